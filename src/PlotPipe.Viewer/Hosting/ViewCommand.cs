using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using System.CommandLine;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Serve;

namespace PlotPipe.Viewer.Hosting;

/// <summary>The command line of the viewer: used as the viewer program's root and as <c>plotpipe view</c>.</summary>
internal static class ViewCommand
{
    /// <summary>The environment variable a token may come from instead of <c>--token</c>.</summary>
    public const string TokenVariable = "PLOTPIPE_TOKEN";

    /// <summary>Adds the viewer's options, checks, examples and action to <paramref name="command"/>.</summary>
    public static T Configure<T>(T command) where T : Command
    {
        var stdin = new Option<bool>("--stdin") { Description = "Read PlotPipe frames, or text lines (delimited numbers, JSON lines), from standard input" };
        var file = new Argument<string?>("FILE") { Description = "Read PlotPipe frames or text lines from this file, or open this recording (-: standard input)", Arity = ArgumentArity.ZeroOrOne };
        var xField = new Option<string?>("--x")
        {
            HelpName = "NAME",
            Description = "Text input: x is this header column or JSON field, @line (the line number) or @time (the arrival time, a time axis). "
                + "Default: the first column (JSON: field) when its name says x (x, t, time, timestamp, date, step, epoch, iteration, ...), it has no name (pandas' index) or it holds ISO-8601 times; "
                + "headerless rows of numbers only: the first column; else the line number",
        };
        var xTime = new Option<bool>("--x-time") { Description = "Text input: read x as a time, ISO-8601 or a Unix time (seconds, or ms, µs or ns when the first is too large for seconds); ISO-8601 times are read as times without it" };
        var events = new Option<string?>("--events") { HelpName = "FIELD", Description = "JSON lines: a line whose FIELD holds text is also a marker at its x with that text (its numbers are plotted as usual); markers are listed in /api/events" };
        var skip = new Option<int>("--skip") { HelpName = "N", Description = "Text input: pass over the first N lines unread", CustomParser = OptionValues.SmallCount(0) };
        var columns = new Option<string?>("--columns") { HelpName = "NAMES", Description = "Text input: name the columns (a,b,c); no line is taken as the header, and a line equal to the names is passed over" };
        var title = new Option<string?>("--title") { HelpName = "TEXT", Description = "Text input: the plot's title" };
        var xLabel = new Option<string?>("--xlabel") { HelpName = "TEXT", Description = "Text input: the x axis label (default: the x column's name)" };
        var yLabel = new Option<string?>("--ylabel") { HelpName = "TEXT", Description = "Text input: the default panel's y axis label" };
        var panel = new Option<string[]>("--panel")
        {
            HelpName = "SPEC",
            Description = "Text input: draw these columns (or JSON fields) in a panel of their own: \"Current=current\", \"Loss:log=train,val\" (a log y axis); repeatable; columns not named stay in the default panel",
            AllowMultipleArgumentsPerToken = false,
        };
        var listen = new Option<string?>("--listen")
        {
            HelpName = "[HOST:]PORT",
            Description = "Also take producers over TCP (protocol version 2, with the token) on this address; loopback unless HOST says otherwise; port 0 picks a free one",
            CustomParser = OptionValues.Checked(text => Ingest.ProducerListener.ParseEndpoint(text, out var error) is null ? error : null),
        };
        var host = new Option<string>("--host") { HelpName = "HOST", Description = "Address to listen on (loopback unless you choose otherwise)", DefaultValueFactory = _ => DefaultHost, CustomParser = OptionValues.Host };
        var port = new Option<int>("--port") { HelpName = "PORT", Description = "Port for the page; 0 picks a free one", DefaultValueFactory = _ => 0, CustomParser = OptionValues.Port };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser at the page" };
        var png = new Option<string?>("--png") { HelpName = "FILE", Description = "Save the final picture as PNG when the stream ends", CustomParser = OptionValues.PictureFile(".png") };
        var svg = new Option<string?>("--svg") { HelpName = "FILE", Description = "Save the final picture as SVG when the stream ends", CustomParser = OptionValues.PictureFile(".svg") };
        var theme = new Option<string?>("--theme") { HelpName = "THEME", Description = "The theme --png and --svg draw the picture in: light or dark [default: light]; the page follows the browser's", CustomParser = OptionValues.Theme };
        var exitOnFinish = new Option<bool>("--exit-on-finish") { Description = "Exit as soon as the stream ends and pictures are saved: code 1 when the input gave no point to plot or a picture could not be saved" };
        var linger = new Option<double>("--linger") { HelpName = "SECONDS", Description = "Once the producer is gone, exit after this many seconds with no page open", DefaultValueFactory = _ => 60, CustomParser = OptionValues.Seconds(0) };
        var maxPoints = new Option<long>("--max-points") { HelpName = "N", Description = "Keep at most this many points per series, dropping the oldest (0: keep all)", DefaultValueFactory = _ => 0, CustomParser = OptionValues.Count(0) };
        var token = new Option<string?>("--token")
        {
            HelpName = "TOKEN",
            Description = $"The token the page and API require (default: ${TokenVariable}, else a random one; shown in the printed address)",
            CustomParser = OptionValues.Checked(text => TokenProblem(text, "--token")),
        };
        var noToken = new Option<bool>("--no-token") { Description = "Serve without a token: anyone on this machine may look (loopback only)" };
        var allowHost = new Option<string[]>("--allow-host") { HelpName = "HOST", Description = "Also answer to this host name, on any port (a proxy's name); repeatable", AllowMultipleArgumentsPerToken = false };
        var record = new Option<string?>("--record") { HelpName = "FILE", Description = "Also write every point received, losslessly, to this Arrow IPC stream file (pandas, polars, DuckDB read it; plotpipe view opens it)" };
        var maxMemory = new Option<long?>("--max-memory")
        {
            HelpName = "SIZE",
            Description = "Keep the whole viewer within this much memory (bytes, or with K, M or G: 512M, 2G): a quarter for points, evicting the oldest over all series, a quarter for pages' views; default: half of the memory the runtime may use",
            CustomParser = OptionValues.Size,
        };
        allowHost.Validators.Add(r =>
        {
            foreach (var t in r.Tokens)
            {
                if (HostNameProblem(t.Value) is { } problem) r.AddError(problem);
            }
        });
        var alert = new Option<string[]>("--alert")
        {
            HelpName = "RULE",
            Description = "Watch every point received: \"loss > 10\" (>, >=, <, <=), \"loss is nan\", optionally \"... for 5 points\" or \"... for 5s\"; "
                + "a firing is a marker of kind alert, a line on standard error and a count in /api/status; repeatable (docs/markers-alerts-derived.md#alerts-be-told-when-a-series-crosses-a-line)",
            AllowMultipleArgumentsPerToken = false,
        };
        alert.Validators.Add(r =>
        {
            foreach (var t in r.Tokens)
            {
                if (!AlertRule.TryParse(t.Value, out _, out var problem)) r.AddError(problem!);
            }
        });
        var exitOnAlert = new Option<bool>("--exit-on-alert") { Description = $"Exit with code {ViewerApp.AlertExitCode} once an --alert rule fires, after saving the pictures asked for (--png, --svg)" };
        var producerTimeout = new Option<double>("--producer-timeout")
        {
            HelpName = "SECONDS",
            Description = "With --listen: a producer that sends nothing for this long shows as stalled until it sends again (0: never)",
            DefaultValueFactory = _ => Ingest.ProducerListener.DefaultIdleTimeout.TotalSeconds,
            CustomParser = OptionValues.Seconds(0, int.MaxValue),
        };
        var baseline = new Option<string[]>("--baseline")
        {
            HelpName = "FILE",
            Description = "Draw this recording muted under the live runs, to compare against (time axes: its start meets the live run's); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var derive = new Option<string[]>("--derive")
        {
            HelpName = "\"NAME = EXPRESSION\"",
            Description = "Also plot a series computed from others as points arrive, per producer: \"loss_ema = ema(loss, 0.9)\", \"power = volts * amps\"; ema, mean, min, max, rate, abs, + - * / (docs/markers-alerts-derived.md#derived-series-computed-by-the-viewer); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        derive.Validators.Add(r =>
        {
            if (Ingest.DeriveRule.TryParseAll([.. r.Tokens.Select(t => t.Value)], out var problem) is null) r.AddError(problem!);
        });
        foreach (var o in new Option[] { stdin, listen, producerTimeout, xField, xTime, events, skip, columns, title, xLabel, yLabel, panel, host, port, noBrowser, png, svg, theme, exitOnFinish, linger, maxPoints, maxMemory, token, noToken, allowHost, record, baseline, alert, exitOnAlert }) command.Options.Add(o);
        command.Options.Add(derive);

        command.Arguments.Add(file);
        // Options that contradict each other. A command's checks run before the options' defaults are filled in:
        // an option not given reads as null here.
        Option[] textOptions = [xField, xTime, events, skip, columns, title, xLabel, yLabel, panel];
        command.Validators.Add(r =>
        {
            if (r.GetValue(stdin) && r.GetValue(file) is { } path)
                r.AddError($"--stdin and FILE {path} contradict each other: choose one (FILE - is standard input)");
            else if (r.GetValue(theme) is { } named && r.GetValue(png) is null && r.GetValue(svg) is null)
                r.AddError($"--theme {named} is the theme of the pictures --png and --svg save: add --png FILE or --svg FILE (the page follows the browser's theme)");
            else if (r.GetValue(exitOnAlert) && (r.GetValue(alert) ?? []).Length == 0)
                r.AddError("--exit-on-alert needs a rule to watch: give one or more --alert \"SERIES > NUMBER\"");
            else if (AccessRefusal(r.GetValue(token), r.GetValue(noToken), r.GetValue(host) ?? DefaultHost, r.GetValue(listen)) is { } refusal)
                r.AddError(refusal);
            // Producers may come to a listening viewer until it is stopped: no stream's end is its end.
            else if (r.GetValue(exitOnFinish) && r.GetValue(listen) is { } address)
                r.AddError($"--exit-on-finish does not apply with --listen {address}: a listening viewer takes new producers until it is stopped (Ctrl+C or SIGTERM, which save --png and --svg first)");
        });
        Usage.WithExamples(command,
            ("seq 100 | plotpipe view --stdin", "plot what a program prints, live"),
            ("plotpipe view data.csv --png data.png --exit-on-finish", "plot a file, save the picture, exit"),
            ("plotpipe view --listen 5000 --record run.arrow", "take producers over TCP on port 5000 and keep every point"));

        command.SetAction(async (result, cancel) =>
        {
            var errors = result.InvocationConfiguration.Error;
            var options = new ViewerOptions
            {
                Stdin = result.GetValue(stdin),
                Listen = result.GetValue(listen),
                InputPath = result.GetValue(file),
                Text = new()
                {
                    XField = result.GetValue(xField),
                    XTime = result.GetValue(xTime),
                    EventsField = result.GetValue(events),
                    Skip = result.GetValue(skip),
                    Title = result.GetValue(title),
                    XLabel = result.GetValue(xLabel),
                    YLabel = result.GetValue(yLabel),
                },
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                OpenBrowser = !result.GetValue(noBrowser),
                PngPath = result.GetValue(png),
                SvgPath = result.GetValue(svg),
                PictureTheme = result.GetValue(theme) ?? "light",
                ExitOnFinish = result.GetValue(exitOnFinish),
                Linger = TimeSpan.FromSeconds(result.GetValue(linger)),
                MaxPointsPerSeries = result.GetValue(maxPoints),
                // The variable keeps a chosen token out of the process list, where other users could read an argument.
                Token = result.GetValue(token) ?? (result.GetValue(noToken) ? null : NonEmpty(Environment.GetEnvironmentVariable(TokenVariable))),
                NoToken = result.GetValue(noToken),
                AllowHosts = [.. result.GetValue(allowHost) ?? []],
                MaxMemoryBytes = result.GetValue(maxMemory) ?? 0,
                RecordPath = result.GetValue(record),
                ProducerTimeout = TimeSpan.FromSeconds(result.GetValue(producerTimeout)),
                BaselinePaths = [.. result.GetValue(baseline) ?? []],
                Alerts = [.. (result.GetValue(alert) ?? []).Select(AlertRule.Parse)],
                ExitOnAlert = result.GetValue(exitOnAlert),
            };
            options.Derive = Ingest.DeriveRule.TryParseAll(result.GetValue(derive) ?? [], out _) ?? [];
            // Only the environment is left to check: the command line was checked as it was read.
            if (!options.NoToken && result.GetValue(token) is null && options.Token is { } fromEnvironment && TokenProblem(fromEnvironment, $"${TokenVariable}") is { } refusal)
            {
                await errors.WriteLineAsync($"{Usage.ToolName}: {refusal}");
                return Usage.UsageExitCode;
            }
            if (options.Text.ReadShape(result.GetValue(columns), result.GetValue(panel)) is { } textRefusal)
            {
                await errors.WriteLineAsync($"{Usage.ToolName}: {textRefusal}");
                return Usage.UsageExitCode;
            }
            var textGiven = TextOnly(result.GetResult, textOptions);
            if (!options.Stdin && options.InputPath is null && textGiven is { } unread)
            {
                await errors.WriteLineAsync(options.Listen is { } listenAddress
                    ? $"{Usage.ToolName}: {unread.Phrase} for text input, and this viewer reads none: its producers (--listen {listenAddress}) define their own plot. Give a text FILE or --stdin, or leave {unread.Them} out"
                    : $"{Usage.ToolName}: {unread.Phrase} for text input, and this viewer reads none: give a text FILE or --stdin, or leave {unread.Them} out");
                return Usage.UsageExitCode;
            }
            // Scripts written for a spawned viewer pass --linger to listening ones too: said, not refused.
            if (result.GetResult(linger) is { Implicit: false } && options.Listen is { } listening)
                await errors.WriteLineAsync($"{Usage.ToolName}: --linger does nothing with --listen {listening}: a listening viewer stays up for new producers until it is stopped (Ctrl+C or SIGTERM), page or no page");
            Stream? input = null;
            string? unreadable = null;
            if (options.InputPath is { } inputPath && inputPath != "-") input = UserFiles.OpenRead(inputPath, out unreadable);
            else if (options.Stdin || options.InputPath == "-") input = OpenStandardInput();
            // A recording (an Arrow IPC stream) opens as a finished plot; a file named as one must be one.
            if (input is FileStream { CanSeek: true } opened)
            {
                options.InputIsRecording = UserFiles.StartsAsRecording(opened);
                if (!options.InputIsRecording && UserFiles.NamedAsArrow(opened.Name)) unreadable = UserFiles.NotARecording(opened, options.InputPath!);
                else if (options.InputIsRecording && textGiven is { } given)
                {
                    await input.DisposeAsync();
                    var export = given.Names.Contains(title.Name) ? $" ({Usage.ToolName} export --title names a picture of it)" : "";
                    await errors.WriteLineAsync($"{Usage.ToolName}: {given.Phrase} for text input, and {options.InputPath} is a recording: it opens with the series, axes and panels it was recorded with. Leave {given.Them} out{export}");
                    return Usage.UsageExitCode;
                }
            }
            options.Text.GivenOptions = textGiven?.Phrase;
            if (unreadable is not null)
            {
                if (input is not null) await input.DisposeAsync();
                await errors.WriteLineAsync($"{Usage.ToolName}: {unreadable}");
                return Usage.RuntimeExitCode;
            }
            return await ViewerApp.RunAsync(options, input, result.InvocationConfiguration.Output, errors, cancel);
        });
        return command;
    }

    private const string DefaultHost = "127.0.0.1";

    // The text-input options given on the command line, said as "--x is" or "--x and --title are"; null for none.
    private static GivenOptions? TextOnly(Func<Option, System.CommandLine.Parsing.OptionResult?> resultOf, Option[] textOptions)
    {
        var given = textOptions.Where(o => resultOf(o) is { Implicit: false }).Select(o => o.Name).ToList();
        return given.Count switch
        {
            0 => null,
            1 => new(given, $"{given[0]} is", given[0]),
            _ => new(given, $"{string.Join(", ", given[..^1])} and {given[^1]} are", "them"),
        };
    }

    private sealed record GivenOptions(List<string> Names, string Phrase, string Them);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // A viewer without a token must be reachable from this machine only.
    private static string? AccessRefusal(string? token, bool noToken, string host, string? listen)
    {
        if (!noToken) return null;
        if (token is not null) return "--no-token and --token contradict each other: choose one";
        if (!ViewerAccess.IsLoopback(host))
            return $"--no-token is refused with --host {host}: anyone who can reach the port could read every point; keep the token";
        if (listen is not null && Ingest.ProducerListener.ParseEndpoint(listen, out _) is { } endpoint && !System.Net.IPAddress.IsLoopback(endpoint.Address))
            return $"--no-token is refused with --listen {listen}: anyone who can reach the port could send points; keep the token";
        return null;
    }

    /// <summary>Why <paramref name="token"/> (given as <paramref name="from"/>) is not a token any viewer takes, or null.</summary>
    internal static string? TokenProblem(string token, string from)
    {
        try
        {
            ViewerAccess.WithToken(token);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{from}: {e.Message}";
        }
    }

    private static string? HostNameProblem(string name)
    {
        try
        {
            ViewerAccess.Open([name]);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
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
