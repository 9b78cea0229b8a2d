using System.Globalization;
using System.IO.Pipelines;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// One viewer's life: serve the page, take the producer's stream, save pictures when it ends, then stay while a
/// page is open and exit once none has been for <see cref="ViewerOptions.Linger"/>. A stop signal ends any of
/// these stages at once, saving the pictures first if the stream had not ended.
/// </summary>
internal static class ViewerApp
{
    /// <summary>The exit code when an <c>--alert</c> rule fired and <c>--exit-on-alert</c> asked the viewer to stop.</summary>
    public const int AlertExitCode = 3;

    /// <summary>
    /// Runs the viewer until it is done; returns the process exit code: 0 when it ends on its own, 128 + the signal's
    /// number when SIGTERM, SIGINT or SIGHUP stopped it (after saving the pictures it was asked for),
    /// <see cref="AlertExitCode"/> when a rule fired under <c>--exit-on-alert</c> (after saving them too), or
    /// <see cref="Usage.RuntimeExitCode"/> under <c>--exit-on-finish</c> when the input gave no point to plot or a
    /// picture could not be saved.
    /// </summary>
    public static async Task<int> RunAsync(ViewerOptions options, Stream? input, TextWriter output, TextWriter errors, CancellationToken cancel)
    {
        using var signals = new StopSignals();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel, signals.Token);
        var stop = stopping.Token;
        // Disposed last, after the recording and the server that read it: that stops the sealer's thread.
        using var store = new PlotStore(options.MaxPointsPerSeries, options.MaxMemoryBytes > 0 ? options.MaxMemoryBytes : PlotStore.DefaultMaxMemoryBytes());
        void Report(string line)
        {
            lock (errors) errors.WriteLine($"plotpipe: {line}");
        }
        // A picture or a page of the newest points alone is a surprise unless said, once, when it starts.
        string budget = options.MaxMemoryBytes > 0 ? $"--max-memory {MemoryBudget.Size(store.MaxMemoryBytes)}" : $"the default memory budget, {MemoryBudget.Size(store.MaxMemoryBytes)}";
        store.FirstEviction = () => Report(
            $"the points fill their share of {budget} ({MemoryBudget.Size(store.PointsMemoryBytes)}): the oldest are evicted to keep the newest, and the page counts them; raise --max-memory to keep more");
        Recorder? recorder;
        try
        {
            // The derived series rules are recorded as definitions, never as points.
            recorder = options.RecordPath is { } record ? Recorder.Start(record, store, Report, rules: RecordedRules(options.Derive)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The recording's target says why in plain words (a folder, a missing folder, a FIFO nothing reads).
            Report($"cannot write --record {options.RecordPath}: {UserFiles.Why(e)}");
            return Usage.RuntimeExitCode;
        }
        // Ends the recording's stream and closes its file however the viewer ends.
        await using var recording = recorder;
        // Every point ingest receives goes to the store and, beside it, to the recording: neither knows the other.
        IPointSink sink = recorder is null ? StoreSink.Instance : new TeeSink(StoreSink.Instance, recorder);
        // Derived series are computed from every point received, and kept by the store alone. The derive sink hands
        // the points on itself, so a rule added from the page starts from exactly the points held.
        var derive = new DeriveSink(store, options.Derive, sink);
        sink = derive;
        // A rule from the page reaches the recording from then on.
        (string? Name, string? Problem) AddRule(string text)
        {
            if (derive.TryAdd(text, out var problem) is not { } rule) return (null, problem);
            recorder?.DefineRules(RecordedRules(derive.Rules));
            return (rule.Name, null);
        }
        // An opened recording's rules are computed again, beside --derive's; a --derive of the same name wins. Each
        // one not used is said once, however often seeking back reads the definitions again.
        var unused = new HashSet<string>();
        void UseRecorded(IReadOnlyList<RecordedRule> rules)
        {
            foreach (var r in rules)
            {
                string? why = null;
                if (FindRule(derive.Rules, r.Name) is { } given)
                {
                    if (given.Expression != r.Expression) why = $"\"{given.Text}\" of this viewer names the same series";
                }
                else if (AddRule(r.Text).Problem is { } problem)
                {
                    why = problem;
                }
                if (why is not null && unused.Add(r.Name)) Report($"the recording's derived series rule \"{r.Text}\" is not used: {why}");
            }
        }
        // Alerts see every point beside the store, after it keeps them, so a firing's marker has its point to stand on.
        var alerts = options.Alerts.Count > 0 ? new AlertSink(options.Alerts, store, Report) : null;
        if (alerts is not null) sink = new TeeSink(sink, alerts);
        bool Alerted() => options.ExitOnAlert && alerts is { Fired: > 0 };
        if (options.ExitOnAlert && alerts is not null)
            _ = alerts.FirstFiring.ContinueWith(_ => StopQuietly(stopping), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var status = new ViewerStatus(store)
        {
            Alerts = alerts is null ? null : () => new AlertsReport(alerts.Fired, alerts.RuleTexts),
            Recording = recorder is null ? null
                : () => (new RecordingReport(recorder.Path, recorder.Points, recorder.Bytes, recorder.Lost, recorder.Active, recorder.Received), recorder.Problem),
        };

        // Baselines are read before anything listens: one that cannot be opened stops the viewer with one line.
        await using var baselines = new BaselineRuns(store, Report);
        foreach (var path in options.BaselinePaths)
        {
            if (UserFiles.NotARecording(path) is { } notOne)
            {
                Report($"--baseline {notOne}");
                return Usage.RuntimeExitCode;
            }
            try
            {
                await baselines.AddAsync(path, () => File.OpenRead(path), stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Report(RecordingLoader.CannotOpen($"--baseline {path}", e));
                return Usage.RuntimeExitCode;
            }
        }
        // An opened recording file plays in the viewer, with a timeline on the page; one read from a pipe, or copied
        // by --record, opens whole as before.
        RecordingPlayer? opened = null;
        if (options.InputIsRecording && options.InputPath is { } recordingPath && recordingPath != "-" && recorder is null)
        {
            try
            {
                // Through the derived series' sink, as live points go: the file's rules and --derive's are computed
                // again as the head moves, and start again when it seeks back. Alerts are not: their firings are in the file.
                opened = RecordingPlayer.Open(recordingPath, store, derive, UseRecorded, derive.Rewound);
                if (!options.Replay) await opened.SeekAsync(opened.LengthSeconds, stop).ConfigureAwait(false);
                opened.SetSpeed(options.ReplaySpeed);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (opened is not null) await opened.DisposeAsync().ConfigureAwait(false);
                opened = null;
                // A replay has nothing else to play: said before anything listens, as plotpipe export says it.
                if (options.Replay)
                {
                    Report(RecordingLoader.CannotOpen(recordingPath, e));
                    return Usage.RuntimeExitCode;
                }
                // Opened whole below, which says what is wrong with the file and keeps what it could read.
            }
        }
        await using var player = opened;
        // A paused recording receives nothing: its status says so rather than the rate from before the pause.
        if (player is not null) status.Paused = () => !player.Playing;

        var access = options.Access();
        ViewerServer bound;
        try
        {
            // The exact points as CSV or Arrow come from the recording stage: Serve only routes to them.
            bound = await ViewerServer.StartAsync(options.Host, options.Port, access, store, status, stop, context => PointExport.ServeAsync(context, store),
                routes => PlaybackRoutes.Map(routes, player, baselines),
                AddRule).ConfigureAwait(false);
        }
        catch (Exception e) when (SocketProblem(e) is { } socket)
        {
            // Kestrel's bind failure, said as what to do about it.
            Report(socket.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse
                ? $"port {options.Port} is taken: choose another with --port, or 0 for a free one"
                : $"cannot serve the page on {options.Host}:{options.Port}: {socket.Message}");
            return Usage.RuntimeExitCode;
        }
        await using var server = bound;
        status.OpenPages = () => server.OpenPages;
        ProducerListener? started = null;
        if (options.Listen is { } listen)
        {
            var endpoint = ProducerListener.ParseEndpoint(listen, out var bad) ?? throw new ArgumentException(bad);
            try
            {
                // Producers over TCP need the same token as the page: with it they could write what the page shows.
                started = ProducerListener.Start(endpoint, store, access.Token, Report, stop, options.ProducerTimeout, sink);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                Report(e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse
                    ? $"port {endpoint.Port} is taken: choose another with --listen, or 0 for a free one"
                    : $"cannot listen for producers on {listen}: {e.Message}");
                return Usage.RuntimeExitCode;
            }
        }
        await using var listener = started;
        // Printed once everything asked for listens, so an address line is never followed by a refusal.
        output.WriteLine($"PlotPipe viewer: {server.Url}");
        if (listener is not null) output.WriteLine($"PlotPipe producers: {listener.Address}");
        output.Flush();
        if (options.OpenBrowser)
        {
            var why = BrowserLauncher.TryOpen(server.Url);
            if (why is not null) Report($"not opening a browser ({why}); open {server.Url} yourself");
        }

        if (options.PngPath is not null || options.SvgPath is not null) _ = Task.Run(PictureExporter.WarmUp, CancellationToken.None);
        bool saved = input is null && listener is null && player is null;
        // "plotpipe view" alone serves a page nothing can feed but its own "Compare with a recording": say how to feed it.
        if (saved && options.BaselinePaths.Count == 0)
            Report("nothing to plot: give a FILE, --stdin (a program's output piped in) or --listen PORT (producers over TCP); the page can open a recording to compare");
        try
        {
            if (input is null && player is null)
            {
                // Nothing to read, or only producers over TCP, who may come until the viewer is stopped (pictures are saved then).
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
                return 0;
            }
            if (player is not null)
            {
                if (options.Replay)
                {
                    // A replay waits for someone to watch it (--no-browser included), then plays unless asked to wait.
                    await WaitForPageAsync(server, stop).ConfigureAwait(false);
                    if (!options.StartPaused) await player.PlayAsync(stop).ConfigureAwait(false);
                    await player.Ended.WaitAsync(stop).ConfigureAwait(false);
                }
                long points = player.PointsAt(player.LengthSeconds);
                Report(player.ReceivedAtOnce ? $"opened {options.InputPath}: {points} points, received at once: nothing to replay"
                    : $"opened {options.InputPath}: {points} points over {player.LengthSeconds:0.###} s of receive times; the page's timeline plays it again");
            }
            // A read of standard input cannot be cancelled (it blocks in the kernel), so a stop leaves the ingest
            // behind instead of waiting for the producer's next byte.
            else await (options.InputIsRecording ? Task.Run(() => Report(RecordingLoader.Open(options.InputPath!, input!, store, sink, UseRecorded)), stop)
                : InputIngest.RunAsync(InputPump.Start(input!), store, options.Text, Report, stop,
                    options.InputPath is { } path && path != "-" ? path : "stdin", sink))
                .WaitAsync(stop).ConfigureAwait(false);
            if (listener is not null)
            {
                // Standard input has ended, but producers may still connect.
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
                return 0;
            }
            saved = true;
            bool pictured = SavePictures(options, store, status, Report);
            if (Alerted()) return AlertExitCode;
            if (options.ExitOnFinish)
            {
                // A script or CI job learns from the code that the run plotted nothing because of its input (empty,
                // refused, every line bad), as plotpipe export of an empty recording says: the page and the picture
                // still show what there was, and the reason was said as it happened.
                if (NothingPlotted(store) is { } why)
                {
                    Report($"exiting with code {Usage.RuntimeExitCode}: {why}");
                    return Usage.RuntimeExitCode;
                }
                // A script that asked for a picture and exits with the stream learns from the code that it has none.
                return pictured ? 0 : Usage.RuntimeExitCode;
            }
            await LingerAsync(server, options.Linger, stop).ConfigureAwait(false);
            // On a machine without a browser nobody may have opened the page: the viewer says why it is gone. A stop
            // ends the wait too, without an exception, and says so itself.
            if (!stop.IsCancellationRequested) Report($"exiting: the stream has ended and no page has been open for {options.Linger.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (--linger)");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        if (signals.Name is not null) Report($"{signals.Name}: stopping");
        // Stopped mid-stream: the pictures show the points held so far, as the page did.
        if (!saved) SavePictures(options, store, status, Report);
        return signals.Name is null && Alerted() ? AlertExitCode : signals.ExitCode;
    }

    // The firing may come as the viewer ends on its own and has let go of its token source.
    private static void StopQuietly(CancellationTokenSource stopping)
    {
        try
        {
            stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task WaitForPageAsync(ViewerServer server, CancellationToken cancel)
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange()
        {
            if (server.OpenPages > 0) opened.TrySetResult();
        }
        server.PagesChanged += OnChange;
        try
        {
            OnChange();
            await opened.Task.WaitAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            server.PagesChanged -= OnChange;
        }
    }

    // Kestrel reports a failed bind as the socket's exception, or inside an IOException.
    private static System.Net.Sockets.SocketException? SocketProblem(Exception? e)
    {
        if (e is not (IOException or System.Net.Sockets.SocketException)) return null;
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket) return socket;
        }
        return null;
    }

    private static List<RecordedRule> RecordedRules(IReadOnlyList<DeriveRule> rules)
    {
        var recorded = new List<RecordedRule>(rules.Count);
        foreach (var r in rules) recorded.Add(new RecordedRule(r.Name, r.Expression));
        return recorded;
    }

    private static DeriveRule? FindRule(IReadOnlyList<DeriveRule> rules, string name)
    {
        foreach (var r in rules)
        {
            if (r.Name == name) return r;
        }
        return null;
    }

    // Why the ended input gave no point to plot, in one line, or null when it gave any (bad lines among good ones are
    // counted and said already). Baselines are not the input; derived series are computed from it.
    private static string? NothingPlotted(PlotStore store)
    {
        if (store.LivePoints > 0) return null;
        // Refused (bad magic, version, bytes), cut short, or unreadable: the ingest's own reason says where.
        if (store.State == StreamState.Disconnected && store.Error is { } broke) return $"no point of the input could be read ({broke})";
        // Text that held no data at all says what it held instead.
        if (store.Error is { } why) return $"the input held no point to plot ({why})";
        long bad = store.BadLines;
        return bad == 0 ? "the input held no point to plot"
            : $"the input held no point to plot ({bad} bad line{(bad == 1 ? "" : "s")}; first bad {store.FirstBadLine})";
    }

    // Nothing about a picture may take the viewer down: the page and the data matter more than the file.
    // False when a picture asked for could not be saved (said, and kept in the status).
    private static bool SavePictures(ViewerOptions options, PlotStore store, ViewerStatus status, Action<string> report)
    {
        bool all = true;
        foreach (var path in new[] { options.PngPath, options.SvgPath })
        {
            if (path is null) continue;
            try
            {
                PictureExporter.Save(store, path, palette: PicturePalette.Named(options.PictureTheme));
                // A spawning producer waits for this line, so that its picture is on disk when it is done.
                report($"saved {path}");
            }
            catch (Exception e)
            {
                var why = $"could not save {path}: {UserFiles.Why(e)}";
                report(why);
                status.ExportFailed(why);
                all = false;
            }
        }
        return all;
    }

    // The producer is gone: the final picture stays up while someone looks at it, and the process does not outlive that by more than the linger time.
    private static async Task LingerAsync(ViewerServer server, TimeSpan linger, CancellationToken cancel)
    {
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChange() => changed.TrySetResult();
            server.PagesChanged += OnChange;
            try
            {
                if (server.OpenPages == 0)
                {
                    var done = await Task.WhenAny(changed.Task, Task.Delay(linger, cancel)).ConfigureAwait(false);
                    if (done != changed.Task && server.OpenPages == 0) return;
                }
                else
                {
                    await changed.Task.WaitAsync(cancel).ConfigureAwait(false);
                }
            }
            finally
            {
                server.PagesChanged -= OnChange;
            }
        }
    }
}
