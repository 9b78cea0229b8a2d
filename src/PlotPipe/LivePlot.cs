using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PlotPipe.Buffering;
using PlotPipe.Protocol;
using PlotPipe.Transport;

namespace PlotPipe;

/// <summary>
/// A live plot shown by a separate viewer process. Create series, add points from your loop, finish when done;
/// drawing happens in the viewer, so the loop never waits on it.
/// </summary>
public sealed class LivePlot : IDisposable, IAsyncDisposable, IBufferEvents
{
    // How long a lost viewer's own explanation may take to arrive after the write that noticed the loss.
    private static readonly TimeSpan ReasonWait = TimeSpan.FromMilliseconds(300);
    private readonly object _gate = new();
    private readonly LivePlotOptions _options;
    private readonly ILogger _logger;
    private readonly ViewerProcess? _viewer;
    private readonly TcpViewer? _link;
    private readonly BufferSignals _signals;
    private Series[] _series = [];
    private int _panels;
    private int _viewerLost;
    private int _dropWarned;
    private int _lateWarned;
    private int _finished;
    private long _droppedEvents;

    private LivePlot(Stream destination, LivePlotOptions options, ViewerProcess? viewer, TcpViewer? link = null, BufferSignals? signals = null)
    {
        _signals = signals ?? new BufferSignals();
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _viewer = viewer;
        _link = link;
        Pool = new ChunkPool(options.BufferPoints, options.BufferBoundBytes / 16, options.BatchPoints, _signals);
        Sender = new FrameSender(destination, Pool, _signals, options.FlushInterval, WriteFailed, options.ProducerName, options.HandshakeVersion, link, link is null ? "" : options.Token ?? "", options.PlotProperties());
        Sender.Start();
    }

    /// <summary>Connects to a viewer listening for producers (<c>plotpipe view --listen</c>), retrying until it answers; see <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">The address is not tcp://host:port, an option is out of range, or it only applies to a spawned viewer.</exception>
    public static LivePlot Connect(string address, LivePlotOptions? options = null) => ConnectAsync(address, options).GetAwaiter().GetResult();

    /// <summary>
    /// Connects to a viewer listening for producers at <paramref name="address"/> (<c>tcp://host:port</c>) and
    /// completes, with the plot that feeds it, once connected; until then it retries with backoff. A dropped
    /// connection is made again the same way, while points follow <see cref="LivePlotOptions.WhenFull"/>.
    /// </summary>
    /// <param name="address">The viewer's producer address, as it prints it: <c>tcp://host:port</c>.</param>
    /// <param name="options">The producer's name, the viewer's token and how to buffer points; the defaults when null. An option that only a spawned viewer takes (<see cref="LivePlotOptions.RecordPath"/>, <see cref="LivePlotOptions.SavePngPath"/>, <see cref="LivePlotOptions.Port"/>...) is refused: the listening viewer takes it as its own command-line option.</param>
    /// <param name="cancellationToken">Stops the first connection's retries.</param>
    /// <exception cref="ArgumentException">The address is not tcp://host:port, an option is out of range, or it only applies to a spawned viewer.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the first connection was made.</exception>
    public static async Task<LivePlot> ConnectAsync(string address, LivePlotOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LivePlotOptions();
        options.Validate();
        options.ValidateForConnect();
        var signals = new BufferSignals();
        var link = TcpViewer.Create(address, options.Logger ?? NullLogger.Instance, signals.Wake);
        var stream = await link.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new LivePlot(stream, options, null, link, signals);
    }

    /// <summary>Starts a viewer process, waits until it serves its page, and returns the plot that feeds it.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or <see cref="LivePlotOptions.ViewerPath"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException">The viewer could not start; the message names the program and quotes its last error output.</exception>
    public static LivePlot Spawn(LivePlotOptions? options = null) => SpawnAsync(options).GetAwaiter().GetResult();

    /// <summary>Starts a viewer process and completes, with the plot that feeds it, once the viewer serves its page.</summary>
    /// <param name="options">How to start the viewer and buffer points; the defaults when null.</param>
    /// <param name="cancellationToken">Stops the wait and the viewer.</param>
    /// <exception cref="ArgumentException">An option is out of range, or <see cref="LivePlotOptions.ViewerPath"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException">The viewer could not start; the message names the program and quotes its last error output.</exception>
    public static async Task<LivePlot> SpawnAsync(LivePlotOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LivePlotOptions();
        options.Validate();
        var viewer = ViewerProcess.Start(options);
        try
        {
            await viewer.Url.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            viewer.Kill();
            throw new InvalidOperationException($"the viewer \"{viewer.ProgramPath}\" did not report its address within {StartTimeout.TotalSeconds:0} s");
        }
        catch
        {
            viewer.Kill();
            throw;
        }
        return new LivePlot(viewer.Input, options, viewer);
    }

    // A viewer starts in about a second; a cold machine's first run of the dotnet host can take several.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Writes the plot's frames into any stream (a file to replay, a socket, a pipe to a viewer started elsewhere).</summary>
    public static LivePlot ToStream(Stream destination, LivePlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new LivePlotOptions();
        options.Validate();
        return new LivePlot(destination, options, null);
    }

    /// <summary>Adds a scatter series to the default panel: markers at each point, in any order. <paramref name="format"/> as in matplotlib, e.g. "ro".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Scatter(string name, string format = "o") => AddSeries(SeriesKind.Scatter, name, format, 0);

    /// <summary>Adds a line series to the default panel: points joined in order of x, which must not decrease. <paramref name="format"/> as in matplotlib, e.g. "b-".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Line(string name, string format = "-") => AddSeries(SeriesKind.Line, name, format, 0);

    /// <summary>
    /// Adds a panel below the ones made before it (and below the default panel, when that has series), with its
    /// own y axis; its x follows the other panels' unless <see cref="PanelOptions.LinkX"/> is false. A plot holds
    /// at most 63 panels besides the default one.
    /// </summary>
    /// <param name="title">Shown above the panel; null or empty for none.</param>
    /// <param name="options">Its labels and scales; the defaults when null.</param>
    /// <exception cref="ArgumentException">The title is too long, an option is out of range, or the plot already has 63 panels.</exception>
    public Panel Panel(string? title, PanelOptions? options = null)
    {
        options ??= new PanelOptions();
        PanelOptions.CheckText(title, "panel title", nameof(title));
        options.Validate($"panel \"{PlotArgumentException.Quote(title ?? "")}\"");
        var properties = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(title)) properties.Add(new(PlotProperties.Title, title));
        options.AddProperties(properties);
        lock (_gate)
        {
            if (_finished != 0)
                throw new InvalidOperationException($"cannot add panel \"{PlotArgumentException.Quote(title ?? "")}\": the plot is finished");
            if (_panels >= ProtocolLimits.MaxPanels - 1)
                throw new PlotArgumentException($"a plot holds at most {ProtocolLimits.MaxPanels - 1} panels besides the default one; \"{PlotArgumentException.Quote(title ?? "")}\" would be panel {_panels + 1}", nameof(title));
            int id = ++_panels;
            // Before any series of it can be added, so the writer defines the panel first.
            Sender.AddPanel(id, properties);
            return new Panel(this, id, string.IsNullOrEmpty(title) ? null : title, options);
        }
    }

    /// <summary>
    /// Marks a moment on x with <paramref name="text"/>: a vertical line at <paramref name="x"/> on every panel whose x is
    /// plain numbers (not time), such as "learning rate dropped" at a step. Returns at once: the marker goes out with the
    /// points, and one that cannot be sent is counted in <see cref="DroppedEvents"/>, never thrown.
    /// </summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes, or x is NaN or infinite.</exception>
    public void Mark(double x, string text) => AddEvent(EventKind.Mark, x, 0, false, text, nameof(x), nameof(x));

    /// <summary>Marks a moment in time with <paramref name="text"/>: a vertical line at <paramref name="x"/> on every time panel, read as <see cref="Series.Add(DateTime, double)"/> reads it (Local converted to UTC, Unspecified taken as UTC).</summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes.</exception>
    public void Mark(DateTime x, string text) => AddEvent(EventKind.Mark, UnixSeconds.From(x), 0, true, text, nameof(x), nameof(x));

    /// <summary>Marks a moment in time with <paramref name="text"/>: a vertical line at the instant <paramref name="x"/> names, on every time panel.</summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes.</exception>
    public void Mark(DateTimeOffset x, string text) => AddEvent(EventKind.Mark, UnixSeconds.From(x), 0, true, text, nameof(x), nameof(x));

    /// <summary>
    /// Shades the range of x from <paramref name="x0"/> to <paramref name="x1"/> with <paramref name="text"/> (such as
    /// "evaluation") on every panel whose x is plain numbers. Returns at once, as <see cref="Mark(double, string)"/> does.
    /// </summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes, an x is NaN or infinite, or x1 is less than x0.</exception>
    public void Span(double x0, double x1, string text) => AddEvent(EventKind.Span, x0, x1, false, text, nameof(x0), nameof(x1));

    /// <summary>Shades the time from <paramref name="x0"/> to <paramref name="x1"/> with <paramref name="text"/> on every time panel.</summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes, or x1 is before x0.</exception>
    public void Span(DateTime x0, DateTime x1, string text) =>
        AddEvent(EventKind.Span, UnixSeconds.From(x0), UnixSeconds.From(x1), true, text, nameof(x0), nameof(x1), $"span ends at {x1:O}, before it starts at {x0:O}");

    /// <summary>Shades the time from the instant <paramref name="x0"/> names to that <paramref name="x1"/> names with <paramref name="text"/> on every time panel.</summary>
    /// <exception cref="ArgumentException">The text is null, empty or over 1,024 UTF-8 bytes, or x1 is before x0.</exception>
    public void Span(DateTimeOffset x0, DateTimeOffset x1, string text) =>
        AddEvent(EventKind.Span, UnixSeconds.From(x0), UnixSeconds.From(x1), true, text, nameof(x0), nameof(x1), $"span ends at {x1:O}, before it starts at {x0:O}");

    /// <summary>Markers (<see cref="Mark(double, string)"/>, <see cref="Span(double, double, string)"/>) not sent: made after <see cref="Finish"/> or after the viewer was lost, or more than 65,536 waiting at once.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents) + Sender.EventsLost;

    /// <summary>The viewer page's address, with its access token; known once <see cref="Spawn"/> or <see cref="SpawnAsync"/> has returned.</summary>
    /// <exception cref="InvalidOperationException">The plot writes to a stream or connects to a viewer, and has no viewer of its own.</exception>
    public Uri Url => _viewer is null
        ? throw new InvalidOperationException(_link is null
            ? "this plot writes to a stream and has no viewer of its own"
            : $"this plot feeds the viewer at {_link.Address}, which prints its page's address itself")
        : _viewer.Url.GetAwaiter().GetResult();

    /// <summary>Points not sent over all series: dropped because the buffer was full, or added after <see cref="Finish"/> or after the viewer was lost.</summary>
    public long Dropped
    {
        get
        {
            long n = 0;
            foreach (var s in Volatile.Read(ref _series)) n += s.Dropped;
            return n;
        }
    }

    /// <summary>
    /// False once the viewer has gone away (closed, crashed, or refused the stream); points added after that are
    /// counted as dropped. A connected plot also reads false while it reconnects.
    /// </summary>
    public bool IsViewerConnected => Volatile.Read(ref _viewerLost) == 0 && (_link is null || _link.IsConnected);

    // The connection to a listening viewer, for tests that must know what the producer has read of it.
    internal TcpViewer? Link => _link;

    /// <summary>Raised once, off your loop's thread, when the viewer goes away; the arguments carry the viewer's own reason.</summary>
    public event EventHandler<ViewerLostEventArgs>? ViewerLost;

    /// <summary>
    /// Ends the stream, like the matplotlib example's None: every point added before this returns is sent, then the
    /// finish frame. Returns at once. Points added afterwards are not sent; they are counted in <see cref="Dropped"/>.
    /// </summary>
    public void Finish()
    {
        if (!CloseBuffers(finishing: true)) return;
        Sender.RequestFinish();
    }

    /// <summary>Completes when every buffered point and the finish frame have been written (or the viewer was lost).</summary>
    public Task Completion => Sender.Completion;

    /// <summary>Waits for the spawned viewer to exit and returns its exit code: <see cref="LivePlotOptions.AlertExitCode"/> when it stopped on an alert (<see cref="LivePlotOptions.ExitOnAlert"/>).</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    public Task<int> WaitForViewerExitAsync(CancellationToken cancellationToken = default) =>
        _viewer is null ? Task.FromResult(0) : _viewer.WaitForExitAsync(cancellationToken);

    /// <summary>Stops the spawned viewer now, page and all.</summary>
    public void CloseViewer() => _viewer?.Kill();

    /// <summary>
    /// Finishes and waits (up to <see cref="LivePlotOptions.FinishTimeout"/>) for the buffered points to be sent and
    /// for the spawned viewer to save the pictures asked for (<see cref="LivePlotOptions.SavePngPath"/>). The viewer stays up.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Finishes and waits (up to <see cref="LivePlotOptions.FinishTimeout"/>) for the buffered points to be sent and
    /// for the spawned viewer to save the pictures asked for, so they are on disk when this completes; completes at
    /// once if the viewer is gone. The viewer stays up.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Finish();
        long started = Stopwatch.GetTimestamp();
        try
        {
            await Sender.Completion.WaitAsync(_options.FinishTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("PlotPipe: the viewer did not take the last points within {Timeout}; giving up on them", _options.FinishTimeout);
            // A connected plot would otherwise keep reconnecting, or stay blocked on a viewer that stopped reading.
            _link?.Stop();
            return;
        }
        if (_viewer is null || IsViewerLost) return;
        // The viewer saves its pictures once the stream has ended, and says so on standard error, one line each.
        var left = _options.FinishTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromTicks(Math.Max(0, (_options.FinishTimeout - Stopwatch.GetElapsedTime(started)).Ticks));
        try
        {
            await _viewer.PicturesSavedAsync().WaitAsync(left).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("PlotPipe: the viewer had not saved {Pictures} within {Timeout} (FinishTimeout); not waiting for it any longer", string.Join(", ", _viewer.PicturesNotSaved), _options.FinishTimeout);
        }
    }

    internal FrameSender Sender { get; }

    internal ChunkPool Pool { get; }

    internal Series[] AllSeries => Volatile.Read(ref _series);

    internal bool IsViewerLost => Volatile.Read(ref _viewerLost) != 0;

    internal int? ViewerProcessId => _viewer?.Id;

    internal ViewerProcess? Viewer => _viewer;

    void IBufferEvents.BufferFull()
    {
        // A plain read first: a flood of drops must not cost an interlocked operation each.
        if (Volatile.Read(ref _dropWarned) != 0 || Interlocked.Exchange(ref _dropWarned, 1) != 0) return;
        string bound = $"{_options.BufferBoundBytes / 1048576.0:0.#} MiB";
        if (_options.Logger is { } logger)
        {
            logger.LogWarning(DropMessage, bound);
            return;
        }
        // Lost points are worth a line even to a program that set no logger. Off the loop's thread: a standard error
        // nobody reads must not stall the loop that drops rather than wait.
        var errors = _options.ErrorOutput ?? Console.Error;
        ThreadPool.QueueUserWorkItem(static state =>
        {
            try
            {
                state.Errors.WriteLine(DropMessage.Replace("{Bound}", state.Bound, StringComparison.Ordinal));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Nowhere to say it; the counts still say it.
            }
        }, (Errors: errors, Bound: bound), preferLocal: false);
    }

    private const string DropMessage = "PlotPipe: dropping points: the viewer is not taking them as fast as they come and the producer's buffer is at its bound of {Bound} (MaxBufferBytes); "
        + "raise LivePlotOptions.MaxBufferBytes to hold longer bursts, or set WhenFull = WhenFull.Block to wait instead of dropping. Dropped points are counted in Dropped and on the page";

    void IBufferEvents.AddedAfterClose()
    {
        // A lost viewer was reported when it was lost; only points after Finish need a word of their own.
        if (IsViewerLost || Volatile.Read(ref _lateWarned) != 0 || Interlocked.Exchange(ref _lateWarned, 1) != 0) return;
        _logger.LogWarning("PlotPipe: points added after Finish are not sent; they are counted in Dropped");
    }

    // Closes every series buffer and the pool: everything added so far is sent (or discarded, if the viewer is
    // gone), everything later is counted. Returns false if the plot was already finished.
    private bool CloseBuffers(bool finishing)
    {
        lock (_gate)
        {
            if (finishing && _finished != 0) return false;
            if (finishing) _finished = 1;
            foreach (var s in _series) s.Buffer.Close();
        }
        // After the buffers, so a renter that got a chunk meanwhile finds its buffer closed and hands it back.
        Pool.Close();
        return true;
    }

    // On the writer's thread, once: the write to the viewer failed.
    private void WriteFailed(Exception error)
    {
        if (Interlocked.Exchange(ref _viewerLost, 1) != 0) return;
        CloseBuffers(finishing: false);
        if (_viewer is null)
        {
            Report(error.Message, error);
            return;
        }
        // The viewer usually says why before it lets go of its input; give that line a moment to arrive, off the writer's thread.
        var viewer = _viewer;
        _ = Task.Run(async () => Report(await viewer.ReasonAsync(ReasonWait).ConfigureAwait(false) ?? error.Message, error));
    }

    private void Report(string reason, Exception? error)
    {
        // A refusal is the viewer's answer to this producer (a wrong or missing token), not the viewer going away.
        if (reason.StartsWith(ProducerRefusal.Prefix, StringComparison.Ordinal))
        {
            string why = reason[ProducerRefusal.Prefix.Length..];
            // A token refused is the user's to fix: say where the right one is.
            string fix = why.Contains("token", StringComparison.Ordinal) ? "; LivePlotOptions.Token takes the token of the viewer's page address (?token=...)" : "";
            _logger.LogWarning("PlotPipe: the viewer refused this producer ({Reason}); points added from now on are counted as dropped{Fix}", why, fix);
        }
        else
            _logger.LogWarning("PlotPipe: the viewer went away ({Reason}); points added from now on are counted as dropped", reason);
        try
        {
            ViewerLost?.Invoke(this, new ViewerLostEventArgs(reason, error));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "PlotPipe: a ViewerLost handler threw");
        }
    }

    // Checks at the call, so a mistake is thrown where it was made; sends later, so the loop never waits.
    private void AddEvent(EventKind kind, double x, double x2, bool xIsTime, string text, string xName, string x2Name, string? backwards = null)
    {
        if (PlotEvent.TextProblem(text) is { } textProblem) throw new PlotArgumentException(textProblem, nameof(text));
        if (PlotEvent.RangeProblem(kind, x, x2) is { } rangeProblem)
        {
            bool aboutStart = !double.IsFinite(x);
            throw new PlotArgumentException(!aboutStart && double.IsFinite(x2) && backwards is not null ? backwards : rangeProblem, aboutStart ? xName : x2Name);
        }
        var marker = new PlotEvent(kind, x, kind == EventKind.Span ? x2 : null, xIsTime, text);
        lock (_gate)
        {
            // As with points: after Finish or a lost viewer a marker is counted, not thrown into the loop.
            if (_finished != 0 || IsViewerLost)
            {
                Interlocked.Increment(ref _droppedEvents);
                return;
            }
            Sender.AddEvent(marker);
        }
    }

    internal Series AddSeries(SeriesKind kind, string name, string format, int panel)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(format);
        int nameBytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (nameBytes is 0 or > ProtocolLimits.MaxNameBytes)
            throw new PlotArgumentException($"series name \"{PlotArgumentException.Quote(name)}\" is {nameBytes} UTF-8 bytes; a name takes 1 to {ProtocolLimits.MaxNameBytes}", nameof(name));
        if (format.Length > ProtocolLimits.MaxFormatBytes)
            throw new PlotArgumentException($"format string \"{PlotArgumentException.Quote(format)}\" is longer than {ProtocolLimits.MaxFormatBytes} characters", nameof(format));
        try
        {
            PlotFormat.Parse(format, kind);
        }
        catch (ArgumentException e)
        {
            throw new PlotArgumentException(PlotArgumentException.PlainMessage(e), nameof(format), e);
        }
        lock (_gate)
        {
            if (_finished != 0)
                throw new InvalidOperationException($"cannot add series \"{PlotArgumentException.Quote(name)}\": the plot is finished");
            if (_series.Length >= ProtocolLimits.MaxSeries)
                throw new PlotArgumentException($"a plot holds at most {ProtocolLimits.MaxSeries} series; \"{PlotArgumentException.Quote(name)}\" would be one more", nameof(name));
            var buffer = new SeriesBuffer(new SeriesDefinition(_series.Length, kind, name, format, panel), Pool, _signals, this, _options.WhenFull == WhenFull.Block);
            var series = new Series(buffer);
            Volatile.Write(ref _series, [.. _series, series]);
            Pool.SetSeriesCount(_series.Length);
            if (IsViewerLost) buffer.Close();
            Sender.Add(buffer);
            return series;
        }
    }
}
