using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using System.CommandLine;
using PlotPipe.Viewer.Serve;

namespace PlotPipe.Viewer.Hosting;

/// <summary>The command line of the viewer: used as the viewer program's root and as <c>plotpipe view</c>.</summary>
internal static class ViewCommand
{
    /// <summary>The environment variable a token may come from instead of <c>--token</c>.</summary>
    public const string TokenVariable = "PLOTPIPE_TOKEN";

    /// <summary>Adds the viewer's options and action to <paramref name="command"/>.</summary>
    public static T Configure<T>(T command) where T : Command
    {
        var stdin = new Option<bool>("--stdin") { Description = "Read PlotPipe frames, or text lines (delimited numbers, JSON lines), from standard input" };
        var file = new Argument<string?>("FILE") { Description = "Read PlotPipe frames or text lines from this file (-: standard input)", Arity = ArgumentArity.ZeroOrOne };
        var xField = new Option<string?>("--x") { HelpName = "NAME", Description = "Text input: the JSON field or header column that holds x (default: the first column; the line number for JSON)" };
        var xTime = new Option<bool>("--x-time") { Description = "Text input: read x as a time, ISO-8601 or Unix seconds (kept as Unix seconds)" };
        var listen = new Option<string?>("--listen") { HelpName = "[HOST:]PORT", Description = "Also take producers over TCP (protocol version 2, with the token) on this address; loopback unless HOST says otherwise; port 0 picks a free one" };
        var host = new Option<string>("--host") { Description = "Address to listen on (loopback unless you choose otherwise)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port for the page; 0 picks a free one", DefaultValueFactory = _ => 0 };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser at the page" };
        var png = new Option<string?>("--png") { Description = "Save the final picture as PNG when the stream ends" };
        var svg = new Option<string?>("--svg") { Description = "Save the final picture as SVG when the stream ends" };
        var exitOnFinish = new Option<bool>("--exit-on-finish") { Description = "Exit as soon as the stream ends and pictures are saved" };
        var linger = new Option<double>("--linger") { Description = "Once the producer is gone, exit after this many seconds with no page open", DefaultValueFactory = _ => 60 };
        var maxPoints = new Option<long>("--max-points") { Description = "Keep at most this many points per series, dropping the oldest (0: keep all)", DefaultValueFactory = _ => 0 };
        var token = new Option<string?>("--token") { Description = $"The token the page and API require (default: ${TokenVariable}, else a random one; shown in the printed address)" };
        var noToken = new Option<bool>("--no-token") { Description = "Serve without a token: anyone on this machine may look (loopback only)" };
        var allowHost = new Option<string[]>("--allow-host") { Description = "Also answer to this host name, on any port (a proxy's name); repeatable", AllowMultipleArgumentsPerToken = false };
        var record = new Option<string?>("--record") { HelpName = "FILE", Description = "Also write every point received, losslessly, to this Arrow IPC stream file (pandas, polars, DuckDB read it; plotpipe view opens it)" };
        var maxMemory = new Option<string?>("--max-memory")
        {
            Description = "Keep the whole viewer within this much memory (bytes, or with K, M or G: 512M, 2G): a quarter for points, evicting the oldest over all series, a quarter for pages' views; default: half of the memory the runtime may use",
        };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError($"--port {r.GetValueOrDefault<int>()} is not a TCP port (0 to 65535)");
        });
        linger.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() < 0) r.AddError($"--linger {r.GetValueOrDefault<double>()} must not be negative");
        });
        maxPoints.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 0) r.AddError($"--max-points {r.GetValueOrDefault<long>()} must not be negative");
        });
        maxMemory.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string?>();
            if (text is not null && !TryParseSize(text, out _))
                r.AddError($"--max-memory {text} is not a size: give bytes, or a number with K, M or G (512M, 2G), of at least 1M");
        });
        foreach (var o in new Option[] { stdin, listen, xField, xTime, host, port, noBrowser, png, svg, exitOnFinish, linger, maxPoints, maxMemory, token, noToken, allowHost, record }) command.Options.Add(o);

        command.Arguments.Add(file);

        command.SetAction(async (result, cancel) =>
        {
            var options = new ViewerOptions
            {
                Stdin = result.GetValue(stdin),
                Listen = result.GetValue(listen),
                InputPath = result.GetValue(file),
                Text = new() { XField = result.GetValue(xField), XTime = result.GetValue(xTime) },
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                OpenBrowser = !result.GetValue(noBrowser),
                PngPath = result.GetValue(png),
                SvgPath = result.GetValue(svg),
                ExitOnFinish = result.GetValue(exitOnFinish),
                Linger = TimeSpan.FromSeconds(result.GetValue(linger)),
                MaxPointsPerSeries = result.GetValue(maxPoints),
                // The variable keeps a chosen token out of the process list, where other users could read an argument.
                Token = result.GetValue(token) ?? (result.GetValue(noToken) ? null : NonEmpty(Environment.GetEnvironmentVariable(TokenVariable))),
                NoToken = result.GetValue(noToken),
                AllowHosts = [.. result.GetValue(allowHost) ?? []],
                MaxMemoryBytes = result.GetValue(maxMemory) is { } size && TryParseSize(size, out long bytes) ? bytes : 0,
                RecordPath = result.GetValue(record),
            };
            // Refused here, not by a validator: that would print the help to standard output, where a spawning
            // producer looks for the address line.
            if (AccessRefusal(options) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"plotpipe: {refusal}");
                return 2;
            }
            if (options.Stdin && options.InputPath is not null)
            {
                await Console.Error.WriteLineAsync($"plotpipe: --stdin and FILE {options.InputPath} contradict each other: choose one (FILE - is standard input)");
                return 2;
            }
            Stream? input;
            try
            {
                input = options.InputPath is { } path && path != "-" ? File.OpenRead(path)
                    : options.Stdin || options.InputPath == "-" ? OpenStandardInput() : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"plotpipe: cannot read {options.InputPath}: {e.Message}");
                return 2;
            }
            // A recording (an Arrow IPC stream starts with its continuation marker) opens as a finished plot.
            if (input is FileStream { CanSeek: true } opened)
            {
                Span<byte> head = stackalloc byte[4];
                int n = opened.ReadAtLeast(head, 4, throwOnEndOfStream: false);
                opened.Position = 0;
                options.InputIsRecording = n == 4 && BitConverter.ToInt32(head) == -1;
            }
            return await ViewerApp.RunAsync(options, input, Console.Out, Console.Error, cancel);
        });
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? AccessRefusal(ViewerOptions options)
    {
        if (options.NoToken && options.Token is not null) return "--no-token and --token contradict each other: choose one";
        if (options.NoToken && !ViewerAccess.IsLoopback(options.Host))
            return $"--no-token is refused with --host {options.Host}: anyone who can reach the port could read every point; keep the token";
        if (options.Listen is { } listen)
        {
            var endpoint = Ingest.ProducerListener.ParseEndpoint(listen, out var error);
            if (endpoint is null) return error;
            if (options.NoToken && !System.Net.IPAddress.IsLoopback(endpoint.Address))
                return $"--no-token is refused with --listen {listen}: anyone who can reach the port could send points; keep the token";
        }
        try
        {
            options.Access();
            return null;
        }
        catch (ArgumentException e)
        {
            return options.Token is not null && !e.Message.StartsWith("--", StringComparison.Ordinal) ? $"--token: {e.Message}" : e.Message;
        }
    }

    // Console's stream reads a duplicate of fd 0, and the runtime keeps another duplicate of its own from start-up,
    // so closing Console's stream would leave the pipe open and a producer still writing would block for good.
    // Reading fd 0 itself, and pointing the runtime's duplicates at /dev/null, the ingest closes the pipe's last
    // reader when it refuses the stream, and the producer's next write fails at once.
    private static Stream OpenStandardInput()
    {
        if (OperatingSystem.IsWindows()) return Console.OpenStandardInput();
        if (OperatingSystem.IsLinux()) StandardInput.DetachDuplicates();
        return new FileStream(new SafeFileHandle(0, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    private static class StandardInput
    {
        private const int CloseOnExec = 0x80000;

        // Every other descriptor open on the same pipe as fd 0 (found through /proc) is re-pointed at /dev/null.
        public static void DetachDuplicates()
        {
            string? stdin = Target(0);
            if (stdin is null || !stdin.StartsWith("pipe:", StringComparison.Ordinal)) return;
            using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
            int nullFd = (int)devNull.DangerousGetHandle();
            foreach (var entry in Directory.GetFiles("/proc/self/fd"))
            {
                if (!int.TryParse(Path.GetFileName(entry), out int fd) || fd == 0 || fd == nullFd) continue;
                if (Target(fd) == stdin) _ = dup3(nullFd, fd, CloseOnExec);
            }
        }

        private static string? Target(int fd)
        {
            try
            {
                return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            }
            catch (IOException)
            {
                return null;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int dup3(int oldFd, int newFd, int flags);
    }

    /// <summary>Reads a size in bytes, with an optional K, M or G suffix (powers of 1,024); at least 1 MiB.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var digits = text.Trim();
        int shift = 0;
        if (digits.Length > 0)
        {
            shift = char.ToUpperInvariant(digits[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
            if (shift > 0) digits = digits[..^1];
        }
        if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)) return false;
        if (n > long.MaxValue >> shift) return false;
        bytes = n << shift;
        return bytes >= 1L << 20;
    }
}
