using System.Diagnostics;
using System.Globalization;

namespace PlotPipe.Transport;

/// <summary>
/// The spawned viewer: a child process fed through its standard input, which prints its page's address on its
/// standard output. Its standard error is passed on line by line to ours, where a human sees it; its last lines
/// are kept so that a failure can be explained in the viewer's own words, and its lines about the pictures it was
/// asked to save tell the producer when they are on disk.
/// </summary>
internal sealed class ViewerProcess
{
    private const string AddressPrefix = "PlotPipe viewer: ";
    private const int KeptLines = 8;
    // The viewer's lines that say why it stopped taking the stream (see its ingest's reports).
    private static readonly string[] ReasonPrefixes = ["plotpipe: bad input", "plotpipe: producer"];
    // The viewer's lines once it has written a picture, or given up on one (followed by ": why").
    private const string SavedPrefix = "plotpipe: saved ";
    private const string NotSavedPrefix = "plotpipe: could not save ";
    private readonly Process _process;
    private readonly string _path;
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reasonSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _picturesSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastLines = new();
    // The pictures asked for and not yet reported saved or failed, as full paths on the viewer's command line.
    private readonly List<string> _picturesPending;
    private string? _reason;

    private ViewerProcess(Process process, string path, List<string> pictures)
    {
        _process = process;
        _path = path;
        _picturesPending = pictures;
        if (pictures.Count == 0) _picturesSettled.TrySetResult();
        _ = ReadErrorsAsync();
        _ = ReadAddressAsync();
    }

    /// <summary>The stream the viewer reads frames from.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Completes with the page's address once the viewer has printed it.</summary>
    public Task<Uri> Url => _url.Task;

    /// <summary>The viewer program that was started.</summary>
    public string ProgramPath => _path;

    /// <summary>The viewer's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts the viewer with arguments that match <paramref name="options"/>.</summary>
    public static ViewerProcess Start(LivePlotOptions options)
    {
        var (start, path) = Command(options.ViewerPath);
        var pictures = new List<string>();
        start.ArgumentList.Add("--stdin");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(options.Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--linger");
        start.ArgumentList.Add(options.ViewerLinger.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        if (!options.OpenBrowser) start.ArgumentList.Add("--no-browser");
        if (options.ExitOnFinish) start.ArgumentList.Add("--exit-on-finish");
        if (options.SavePngPath is { } png)
        {
            start.ArgumentList.Add("--png");
            start.ArgumentList.Add(Path.GetFullPath(png));
            pictures.Add(Path.GetFullPath(png));
            if (options.PictureTheme == PictureTheme.Dark)
            {
                start.ArgumentList.Add("--theme");
                start.ArgumentList.Add("dark");
            }
        }
        if (options.MaxPointsPerSeries > 0)
        {
            start.ArgumentList.Add("--max-points");
            start.ArgumentList.Add(options.MaxPointsPerSeries.ToString(CultureInfo.InvariantCulture));
        }
        if (options.ViewerMaxMemory > 0)
        {
            start.ArgumentList.Add("--max-memory");
            start.ArgumentList.Add(options.ViewerMaxMemory.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var baseline in options.BaselinePaths ?? [])
        {
            start.ArgumentList.Add("--baseline");
            start.ArgumentList.Add(Path.GetFullPath(baseline));
        }
        if (options.RecordPath is { } record)
        {
            start.ArgumentList.Add("--record");
            start.ArgumentList.Add(Path.GetFullPath(record));
        }
        foreach (var rule in options.DerivedSeries)
        {
            start.ArgumentList.Add("--derive");
            start.ArgumentList.Add(rule);
        }
        foreach (var rule in options.Alerts)
        {
            start.ArgumentList.Add("--alert");
            start.ArgumentList.Add(rule);
        }
        if (options.ExitOnAlert) start.ArgumentList.Add("--exit-on-alert");
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        // Read here and passed on to our standard error, so the user still sees every line and a loss can quote it.
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the viewer \"{path}\"");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start the viewer \"{path}\": {e.Message}", e);
        }
        return new ViewerProcess(process, path, pictures);
    }

    /// <summary>Waits for the viewer to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancel)
    {
        await _process.WaitForExitAsync(cancel).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// Completes once the viewer has said, for every picture it was asked to save, that it saved it or could not;
    /// or once it has exited, when nothing more will be saved.
    /// </summary>
    public Task PicturesSavedAsync() => Task.WhenAny(_picturesSettled.Task, _errorsClosed.Task, _process.WaitForExitAsync());

    /// <summary>The pictures asked for that the viewer has not yet reported saving (or failing to save).</summary>
    public string[] PicturesNotSaved
    {
        get
        {
            lock (_lastLines) return [.. _picturesPending];
        }
    }

    /// <summary>Whether the viewer has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The viewer's own explanation of why it stopped reading, waiting up to <paramref name="wait"/> for it to
    /// arrive; null if it gave none.
    /// </summary>
    public async Task<string?> ReasonAsync(TimeSpan wait)
    {
        await Task.WhenAny(_reasonSeen.Task, _errorsClosed.Task, Task.Delay(wait)).ConfigureAwait(false);
        lock (_lastLines) return _reason;
    }

    /// <summary>Ends the viewer now.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    // The viewer next to this library, run by its own launcher where it has one, else by the dotnet host.
    private static (ProcessStartInfo Start, string Path) Command(string? viewerPath)
    {
        string path = viewerPath ?? DefaultViewer();
        if (!File.Exists(path))
            throw new PlotArgumentException($"ViewerPath \"{path}\" does not exist", nameof(LivePlotOptions.ViewerPath));
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            var start = new ProcessStartInfo(DotnetHost());
            start.ArgumentList.Add(path);
            return (start, path);
        }
        return (new ProcessStartInfo(path), path);
    }

    // From the package, and from a reference to the PlotPipe project, the viewer sits in plotpipe-viewer/ (run by the
    // dotnet host); a program that references the viewer's own project has it beside, with its own launcher.
    private static string DefaultViewer()
    {
        string dir = AppContext.BaseDirectory;
        string packaged = Path.Combine(dir, "plotpipe-viewer", "PlotPipe.Viewer.dll");
        if (File.Exists(packaged)) return packaged;
        string launcher = Path.Combine(dir, OperatingSystem.IsWindows() ? "PlotPipe.Viewer.exe" : "PlotPipe.Viewer");
        return File.Exists(launcher) ? launcher : Path.Combine(dir, "PlotPipe.Viewer.dll");
    }

    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    private async Task ReadErrorsAsync()
    {
        try
        {
            var errors = _process.StandardError;
            while (await errors.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Console.Error.WriteLine(line);
                lock (_lastLines)
                {
                    _lastLines.Enqueue(line);
                    if (_lastLines.Count > KeptLines) _lastLines.Dequeue();
                    foreach (var prefix in ReasonPrefixes)
                    {
                        if (line.StartsWith(prefix, StringComparison.Ordinal)) _reason = line;
                    }
                    if (_picturesPending.Count > 0 && Settles(line)) _picturesSettled.TrySetResult();
                }
                if (_reason is not null) _reasonSeen.TrySetResult();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The viewer is gone; what it said so far is kept.
        }
        finally
        {
            _errorsClosed.TrySetResult();
        }
    }

    // Under the lock: crosses off the picture a "saved" or "could not save" line names; true once none is left.
    private bool Settles(string line)
    {
        for (int i = 0; i < _picturesPending.Count; i++)
        {
            string picture = _picturesPending[i];
            bool saved = line.StartsWith(SavedPrefix, StringComparison.Ordinal) && line.AsSpan(SavedPrefix.Length).SequenceEqual(picture);
            bool failed = line.StartsWith(NotSavedPrefix, StringComparison.Ordinal) && line.AsSpan(NotSavedPrefix.Length).StartsWith(picture + ":", StringComparison.Ordinal);
            if (saved || failed)
            {
                _picturesPending.RemoveAt(i);
                break;
            }
        }
        return _picturesPending.Count == 0;
    }

    private async Task ReadAddressAsync()
    {
        try
        {
            var output = _process.StandardOutput;
            while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(AddressPrefix, StringComparison.Ordinal) && Uri.TryCreate(line[AddressPrefix.Length..].Trim(), UriKind.Absolute, out var url))
                    _url.TrySetResult(url);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Reported below as an exit before the address.
        }
        if (_url.Task.IsCompleted) return;
        _url.TrySetException(new InvalidOperationException(await StartFailureAsync().ConfigureAwait(false)));
    }

    // Why the viewer never printed its address: its path, its exit code and its last words, once they are all in.
    private async Task<string> StartFailureAsync()
    {
        var settle = TimeSpan.FromSeconds(2);
        await Task.WhenAny(_errorsClosed.Task, Task.Delay(settle)).ConfigureAwait(false);
        await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(settle)).ConfigureAwait(false);
        string exit = _process.HasExited ? $"exited with code {_process.ExitCode}" : "closed its output";
        string said;
        lock (_lastLines) said = _lastLines.Count == 0 ? "it wrote nothing to standard error" : "its last error output: " + string.Join(" | ", _lastLines);
        return $"the viewer \"{_path}\" {exit} before printing its address; {said}";
    }
}
