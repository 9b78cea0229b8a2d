using System.CommandLine;
using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Cli;

/// <summary>
/// <c>plotpipe replay run.arrow [--speed N|max] [--start-paused]</c>: a fresh viewer plays the recording itself, with
/// a timeline on its page (play, pause, seek, speed), starting once a page is open. With <c>--to HOST:PORT</c> it
/// streams the recording into a listening viewer as a producer would, with the recorded pacing sped up N times, or
/// flat out (nothing is dropped: the producer waits for the viewer instead); <c>--start-paused</c> then waits for
/// Enter on the terminal, so the viewer's page can be opened before the first point.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recording = new Argument<string>("RECORDING") { Description = "A recording made with --record (an Arrow IPC stream)" };
        var speed = new Option<string>("--speed")
        {
            HelpName = "N|max",
            Description = "Play N times faster than recorded (0.5 is half speed), or max: as fast as the viewer takes it",
            DefaultValueFactory = _ => "1",
            CustomParser = OptionValues.Checked(text => ParseSpeed(text) is null ? $"--speed {text} is not a speed: give a positive number (2 is twice as fast) or max" : null),
        };
        var to = new Option<string?>("--to")
        {
            HelpName = "HOST:PORT",
            Description = "Feed a viewer started with --listen instead of starting one (its token from --token or PLOTPIPE_TOKEN)",
            CustomParser = OptionValues.Checked(AddressProblem),
        };
        var token = new Option<string?>("--token")
        {
            HelpName = "TOKEN",
            Description = "The listening viewer's token",
            CustomParser = OptionValues.Checked(text => ViewCommand.TokenProblem(text, "--token")),
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser at the started viewer's page (it still waits for a page to play)" };
        var startPaused = new Option<bool>("--start-paused") { Description = "Wait at the start: for the page's play button, or with --to for Enter on the terminal" };
        var waitForPage = new Option<string?>("--wait-for-page")
        {
            HelpName = "URL",
            Description = "With --to: wait until a page is open at the listening viewer's page address (as it printed it) before streaming",
            CustomParser = OptionValues.Checked(text => Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? null : $"--wait-for-page {text} is not the viewer's page address (as in http://127.0.0.1:41213/?token=...)"),
        };
        var port = new Option<int>("--port") { HelpName = "PORT", Description = "Port for the started viewer's page; 0 picks a free one", DefaultValueFactory = _ => 0, CustomParser = OptionValues.Port };
        var command = new Command("replay", "Play a recording in a viewer with a timeline (pause, seek, speed), or stream it into a listening one with --to") { recording, speed, to, token, noBrowser, startPaused, port, waitForPage };
        Usage.WithExamples(command,
            ("plotpipe replay run.arrow", "in a new viewer, at the pace it was recorded, once its page is open"),
            ("plotpipe replay run.arrow --speed 10", "ten times faster"),
            ("PLOTPIPE_TOKEN=... plotpipe replay run.arrow --speed max --to 127.0.0.1:5000", "flat out into a viewer started with --listen 5000"));
        command.SetAction(async (result, cancel) =>
        {
            string input = result.GetValue(recording)!;
            double factor = ParseSpeed(result.GetValue(speed))!.Value;
            if (UserFiles.NotARecording(input) is { } notOne)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {notOne}");
                return Usage.RuntimeExitCode;
            }
            if (result.GetValue(to) is null)
            {
                // The viewer holds the whole file and plays it: the page's timeline can pause, seek and change speed.
                var options = new ViewerOptions
                {
                    InputPath = input,
                    InputIsRecording = true,
                    Replay = true,
                    ReplaySpeed = factor,
                    StartPaused = result.GetValue(startPaused),
                    OpenBrowser = !result.GetValue(noBrowser),
                    Port = result.GetValue(port),
                    Token = result.GetValue(token) ?? (Environment.GetEnvironmentVariable("PLOTPIPE_TOKEN") is { Length: > 0 } t ? t : null),
                };
                return await ViewerApp.RunAsync(options, null, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancel);
            }
            try
            {
                var (replaced, recorded) = ReplacedSeries(input);
                await using var file = File.OpenRead(input);
                var reader = new RecordingReader(file);
                var options = new LivePlotOptions
                {
                    OpenBrowser = !result.GetValue(noBrowser),
                    WhenFull = WhenFull.Block,
                    BufferPoints = 1 << 20,
                    ProducerName = $"replay of {Path.GetFileName(input)}",
                    Token = result.GetValue(token) ?? Environment.GetEnvironmentVariable("PLOTPIPE_TOKEN"),
                    Title = recorded is null || recorded.Title == PlotDefinition.DefaultTitle ? null : recorded.Title,
                    DefaultPanel = recorded?.Panels.Find(p => p.Id == 0) is { } main && !IsPlain(main) ? OptionsOf(main) : null,
                };
                var plot = result.GetValue(to) is { } address
                    ? await LivePlot.ConnectAsync(address.Contains("://", StringComparison.Ordinal) ? address : "tcp://" + address, options, cancel)
                    : await LivePlot.SpawnAsync(options, cancel);
                // A listening viewer that refuses the replay (a wrong or missing token) says why on the socket.
                string? lostBecause = null;
                plot.ViewerLost += (_, e) => lostBecause = e.Reason;
                await using (plot)
                {
                    if (result.GetValue(to) is null) Console.WriteLine($"PlotPipe viewer: {plot.Url}");
                    // The recorded panels, in their order, so each series lands in the panel it was drawn in.
                    var panels = new Dictionary<int, Panel>();
                    foreach (var p in recorded?.Panels ?? [])
                    {
                        if (p.Id != 0) panels[p.Id] = plot.Panel(p.Title, OptionsOf(p));
                    }
                    if (result.GetValue(waitForPage) is { } page)
                    {
                        Console.WriteLine($"Waiting for a page at {new Uri(page).GetLeftPart(UriPartial.Path)} before streaming.");
                        await WaitForPageAsync(new Uri(page), options.Token, cancel);
                    }
                    if (result.GetValue(startPaused))
                    {
                        Console.WriteLine("Paused at the start: press Enter to stream.");
                        await Task.Run(Console.ReadLine, cancel).WaitAsync(cancel);
                    }
                    long points = await PlayAsync(reader, plot, panels, factor, replaced, cancel);
                    plot.Finish();
                    await plot.Completion;
                    if (plot.IsViewerLost)
                    {
                        // "Replayed N points" would be false: say what the viewer said, and the way out of a refusal.
                        await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {NotTaken(result.GetValue(to)!, input, lostBecause, points, plot.Dropped)}");
                        return Usage.RuntimeExitCode;
                    }
                    Console.WriteLine($"Replayed {points} points of {input}{(reader.Truncated ? " (the file ends mid-batch: up to its last whole batch)" : "")}.");
                }
                return 0;
            }
            catch (InvalidDataException e)
            {
                // The reader's message says what is wrong and where (byte, batch) in plain words.
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {RecordingLoader.CannotOpen(input, e)}");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or HttpRequestException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never a stack trace: one line, and a way to get the bug fixed.
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: cannot replay {input}: it failed unexpectedly ({e.GetType().Name}); please report this with the file");
                return 1;
            }
        });
        return command;
    }

    private static string NotTaken(string address, string input, string? reason, long points, long dropped)
    {
        if (reason is not null && reason.StartsWith(ProducerRefusal.Prefix, StringComparison.Ordinal))
        {
            var why = reason[ProducerRefusal.Prefix.Length..];
            return $"the viewer at {address} refused the replay of {input}: {why}{(why.Contains("token", StringComparison.Ordinal) ? "; give it the viewer's token (--token, or PLOTPIPE_TOKEN)" : "")}";
        }
        return $"the viewer at {address} went away during the replay of {input} ({reason ?? "the connection was lost"}); {points - dropped} of its {points} points were sent";
    }

    // The viewer's status counts the pages attached: polled until one is, as long as it takes (Ctrl-C stops).
    private static async Task WaitForPageAsync(Uri page, string? token, CancellationToken cancel)
    {
        var query = System.Web.HttpUtility.ParseQueryString(page.Query);
        using var http = new HttpClient { BaseAddress = new Uri(page.GetLeftPart(UriPartial.Authority)) };
        if ((query["token"] ?? token) is { Length: > 0 } t) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", t);
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync("api/status", cancel);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"--wait-for-page {page}: {e.Message}", e);
            }
            using var answered = response;
            // Said as what to do about it, naming the option, rather than as the HTTP client's words.
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                throw new InvalidOperationException($"--wait-for-page {page}: the viewer there refused the token in that address; give the address it printed, token included");
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"--wait-for-page {page}: the viewer there answered {(int)response.StatusCode} {response.ReasonPhrase}");
            using var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            if (status.RootElement.TryGetProperty("pages", out var pages) && pages.GetInt32() > 0) return;
            await Task.Delay(200, cancel);
        }
    }

    // HOST:PORT, or tcp://HOST:PORT as a listening viewer prints it.
    private static string? AddressProblem(string text)
    {
        var rest = text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? text[6..] : text;
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || rest.EndsWith(']')) return $"--to {text} is not HOST:PORT (as in 127.0.0.1:5000)";
        var port = rest[(colon + 1)..];
        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n is < 1 or > 65535)
            return $"--to {text}: {port} is not a port: give 1 to 65535";
        return null;
    }

    private static double? ParseSpeed(string? text)
    {
        if (text == "max") return double.PositiveInfinity;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v) ? v : null;
    }

    // Batch by batch: each waits until its receive time, measured from the first, divided by the speed, has passed.
    private static async Task<long> PlayAsync(RecordingReader reader, LivePlot plot, Dictionary<int, Panel> panels, double speed, HashSet<int> replaced, CancellationToken cancel)
    {
        var series = new List<Series?>();
        long points = 0, firstMicros = long.MinValue;
        var clock = Stopwatch.StartNew();
        while (reader.Next())
        {
            if (reader.DefinitionsChanged)
            {
                // Read and checked by the reader: nulls given their defaults, impossible values refused.
                var plotDefinition = reader.Plot!;
                for (int i = series.Count; i < plotDefinition.Series.Count; i++)
                {
                    var s = plotDefinition.Series[i];
                    // The column's value: unique, where two producers' series share a name.
                    series.Add(replaced.Contains(i) ? null : Define(plot, panels, s));
                }
            }
            if (reader.Rows == 0 && reader.Events is null) continue;
            if (!double.IsPositiveInfinity(speed))
            {
                long at = reader.FirstReceivedMicros;
                if (firstMicros == long.MinValue) firstMicros = at;
                var due = TimeSpan.FromMicroseconds((at - firstMicros) / speed);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, cancel);
            }
            var ids = reader.Series;
            var xs = reader.X;
            var ys = reader.Y;
            int start = 0;
            while (start < ids.Length)
            {
                int id = ids[start], end = start + 1;
                while (end < ids.Length && ids[end] == id) end++;
                // A row without a definition keeps its points under its column value.
                while (series.Count <= id) series.Add(plot.Scatter(reader.Labels[series.Count], "o"));
                series[id]?.Add(xs[start..end], ys[start..end]);
                if (series[id] is not null) points += end - start;
                start = end;
            }
            // The batch's markers arrived while its points did: they follow them, as they followed them then.
            if (reader.Events is { } markers) foreach (var (marker, _, _) in markers) SendMarker(plot, marker);
        }
        return points;
    }

    // A time marker goes as the instant it names; a kind LivePlot has no call for goes as a mark.
    private static void SendMarker(LivePlot plot, PlotEvent marker)
    {
        static DateTimeOffset At(double unixSeconds) => DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(unixSeconds * TimeSpan.TicksPerSecond));
        if (marker is { Kind: EventKind.Span, X2: { } x2 })
        {
            if (marker.XIsTime) plot.Span(At(marker.X), At(x2), marker.Text);
            else plot.Span(marker.X, x2, marker.Text);
        }
        else if (marker.XIsTime)
        {
            plot.Mark(At(marker.X), marker.Text);
        }
        else
        {
            plot.Mark(marker.X, marker.Text);
        }
    }

    // In its recorded panel, timed as it was recorded: its x are already Unix seconds, so they are added as they are.
    private static Series Define(LivePlot plot, Dictionary<int, Panel> panels, RecordedSeries s)
    {
        bool line = s.Kind == "line";
        var made = panels.TryGetValue(s.Panel, out var panel)
            ? line ? panel.Line(s.Label, s.Format) : panel.Scatter(s.Label, s.Format)
            : line ? plot.Line(s.Label, s.Format) : plot.Scatter(s.Label, s.Format);
        if (((SeriesFlags)s.Flags & SeriesFlags.TimeX) != 0) made.Buffer.XIsTime = true;
        return made;
    }

    private static PanelOptions OptionsOf(RecordedPanel p) => new()
    {
        XLabel = p.XLabel,
        YLabel = p.YLabel,
        XScale = p.XScale == "log" ? AxisScale.Log : AxisScale.Linear,
        YScale = p.YScale == "log" ? AxisScale.Log : AxisScale.Linear,
        LinkX = p.LinkX,
    };

    private static bool IsPlain(RecordedPanel p) =>
        p.XLabel is null && p.YLabel is null && p.XScale != "log" && p.YScale != "log" && p.LinkX;

    // A series redefined later (same producer, same wire id) lost its points on the live page: the replay leaves it
    // out. Also returns the recording's last plot definition.
    private static (HashSet<int> Replaced, RecordedPlot? Plot) ReplacedSeries(string path)
    {
        using var file = File.OpenRead(path);
        var reader = new RecordingReader(file) { DefinitionsOnly = true };
        while (reader.Next()) { }
        var replaced = new HashSet<int>();
        if (reader.Plot is not { } plot) return (replaced, null);
        var all = plot.Series;
        var last = new Dictionary<(string, int), int>();
        for (int i = 0; i < all.Count; i++)
        {
            if (last.TryGetValue((all[i].Producer, all[i].Id), out int before)) replaced.Add(before);
            last[(all[i].Producer, all[i].Id)] = i;
        }
        return (replaced, plot);
    }
}
