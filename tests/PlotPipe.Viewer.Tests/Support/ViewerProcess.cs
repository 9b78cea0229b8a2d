using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>
/// A real viewer process reading frames from its standard input, as a producer would spawn it. Write frames
/// with the helpers; <see cref="Dispose"/> kills the process.
/// </summary>
public sealed class ViewerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ArrayBufferWriter<byte> _frames = new(1 << 20);
    private readonly StringWriterLog _errors;

    private ViewerProcess(Process process, Uri url, StringWriterLog errors)
    {
        _process = process;
        Url = url;
        _errors = errors;
    }

    /// <summary>The page's address as the viewer printed it, with <c>?token=</c> unless it runs with --no-token.</summary>
    public Uri Url { get; }

    /// <summary>The viewer's token, from its printed address (null with --no-token).</summary>
    public string? Token
    {
        get
        {
            foreach (var part in Url.Query.TrimStart('?').Split('&'))
            {
                if (part.StartsWith("token=", StringComparison.Ordinal)) return Uri.UnescapeDataString(part["token=".Length..]);
            }
            return null;
        }
    }

    /// <summary>The viewer's standard input: frames go here.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>What the viewer wrote to standard error so far (for failure messages).</summary>
    public string Errors => _errors.ToString();

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The viewer's process id (to read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the viewer from the test's output folder and waits for its address line.</summary>
    public static Task<ViewerProcess> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <summary>Starts the viewer with extra environment variables (a heap limit, say) for the child process.</summary>
    public static async Task<ViewerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] extraArgs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { dll, "--stdin", "--no-browser", "--port", "0" }) info.ArgumentList.Add(a);
        foreach (var a in extraArgs) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the viewer");
        var errors = new StringWriterLog();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Add(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"viewer exited before printing its address: {errors}");
                const string prefix = "PlotPipe viewer: ";
                if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
                return new ViewerProcess(process, new Uri(line[prefix.Length..].Trim()), errors);
            }
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends the handshake that opens the stream: version 1, which has no Hello, so these tests keep speaking it.</summary>
    public Task HandshakeAsync() => FlushAsync(w => FrameWriter.WriteHandshake(w, version: 1));

    /// <summary>Defines series <paramref name="id"/>.</summary>
    public Task DefineAsync(int id, SeriesKind kind, string name, string format) =>
        FlushAsync(w => FrameWriter.WriteDefineSeries(w, id, kind, name, format));

    /// <summary>Sends points for series <paramref name="id"/>, split into frames the protocol allows.</summary>
    public Task PointsAsync(int id, ReadOnlyMemory<double> xs, ReadOnlyMemory<double> ys) => FlushAsync(w =>
    {
        for (int at = 0; at < xs.Length; at += ProtocolLimits.MaxPointsPerFrame / 4)
        {
            int n = Math.Min(ProtocolLimits.MaxPointsPerFrame / 4, xs.Length - at);
            FrameWriter.WritePoints(w, id, xs.Span.Slice(at, n), ys.Span.Slice(at, n));
        }
    });

    /// <summary>Sends the finish frame.</summary>
    public Task FinishAsync() => FlushAsync(w => FrameWriter.WriteFinish(w));

    /// <summary>Sends a POSIX signal (1 SIGHUP, 2 SIGINT, 15 SIGTERM) to the viewer, as <c>kill -s</c> would.</summary>
    public void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the viewer to exit; its exit code, or null if it still runs.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>Closes the viewer's standard input without a finish frame, as a producer that died would.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    private async Task FlushAsync(Action<IBufferWriter<byte>> write)
    {
        _frames.ResetWrittenCount();
        write(_frames);
        await Input.WriteAsync(_frames.WrittenMemory).ConfigureAwait(false);
        await Input.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the viewer (and anything it started) and releases the process.</summary>
    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    // Standard error arrives on a thread-pool thread; keep it for failure messages.
    private sealed class StringWriterLog
    {
        private readonly List<string> _lines = [];

        public void Add(string line)
        {
            lock (_lines) _lines.Add(line);
        }

        public override string ToString()
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }
}
