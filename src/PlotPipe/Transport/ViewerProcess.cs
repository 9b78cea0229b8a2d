using System.Diagnostics;
using System.Globalization;

namespace PlotPipe.Transport;

/// <summary>The spawned viewer: a child process fed through its standard input, which prints its page's address.</summary>
internal sealed class ViewerProcess
{
    private const string AddressPrefix = "PlotPipe viewer: ";
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ViewerProcess(Process process)
    {
        _process = process;
        _ = ReadAddressAsync();
    }

    /// <summary>The stream the viewer reads frames from.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Completes with the page's address once the viewer has printed it.</summary>
    public Task<Uri> Url => _url.Task;

    /// <summary>The viewer's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts the viewer with arguments that match <paramref name="options"/>.</summary>
    public static ViewerProcess Start(LivePlotOptions options)
    {
        var start = Command(options.ViewerPath);
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
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        // Errors stay on the user's terminal, where a human will see them.
        start.RedirectStandardError = false;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the viewer {start.FileName}");
        return new ViewerProcess(process);
    }

    /// <summary>Waits for the viewer to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancel)
    {
        await _process.WaitForExitAsync(cancel).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Whether the viewer has exited.</summary>
    public bool HasExited => _process.HasExited;

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
    private static ProcessStartInfo Command(string? viewerPath)
    {
        string path = viewerPath ?? DefaultViewer();
        if (!File.Exists(path))
            throw new ArgumentException($"ViewerPath \"{path}\" does not exist", nameof(viewerPath));
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            var start = new ProcessStartInfo(DotnetHost());
            start.ArgumentList.Add(path);
            return start;
        }
        return new ProcessStartInfo(path);
    }

    private static string DefaultViewer()
    {
        string dir = AppContext.BaseDirectory;
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
            _url.TrySetException(new InvalidOperationException("the viewer exited before printing its address"));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _url.TrySetException(new InvalidOperationException("the viewer's output closed before it printed its address", e));
        }
    }
}
