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
public sealed class LivePlot : IDisposable, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly LivePlotOptions _options;
    private readonly ILogger _logger;
    private readonly ViewerProcess? _viewer;
    private Series[] _series = [];
    private int _viewerLost;
    private int _dropWarned;
    private int _finished;

    private LivePlot(Stream destination, LivePlotOptions options, ViewerProcess? viewer)
    {
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _viewer = viewer;
        Policy = options.WhenFull;
        GiveUpWaiting = () => IsClosed;
        Pool = new ChunkPool(options.BatchPoints, Math.Max(1, options.BufferPoints / options.BatchPoints));
        Sender = new FrameSender(this, destination, Pool, options.FlushInterval);
        Sender.Start();
    }

    /// <summary>Starts a viewer process and returns the plot that feeds it.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or <see cref="LivePlotOptions.ViewerPath"/> does not exist.</exception>
    public static LivePlot Spawn(LivePlotOptions? options = null)
    {
        options ??= new LivePlotOptions();
        options.Validate();
        var viewer = ViewerProcess.Start(options);
        return new LivePlot(viewer.Input, options, viewer);
    }

    /// <summary>Writes the plot's frames into any stream (a file to replay, a socket, a pipe to a viewer started elsewhere).</summary>
    public static LivePlot ToStream(Stream destination, LivePlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new LivePlotOptions();
        options.Validate();
        return new LivePlot(destination, options, null);
    }

    /// <summary>Adds a scatter series: markers at each point, in any order. <paramref name="format"/> as in matplotlib, e.g. "ro".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Scatter(string name, string format = "o") => AddSeries(SeriesKind.Scatter, name, format);

    /// <summary>Adds a line series: points joined in order of x, which must not decrease. <paramref name="format"/> as in matplotlib, e.g. "b-".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Line(string name, string format = "-") => AddSeries(SeriesKind.Line, name, format);

    /// <summary>The viewer page's address; waits (up to 30 s) for a just-spawned viewer to report it.</summary>
    /// <exception cref="InvalidOperationException">The plot has no viewer of its own, or the viewer failed to start.</exception>
    public Uri Url
    {
        get
        {
            var task = WaitForUrlAsync(CancellationToken.None);
            if (!task.Wait(TimeSpan.FromSeconds(30)))
                throw new InvalidOperationException("the viewer did not report its address within 30 s");
            return task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Completes with the viewer page's address once the viewer has started.</summary>
    public Task<Uri> WaitForUrlAsync(CancellationToken cancel = default) =>
        _viewer is null
            ? Task.FromException<Uri>(new InvalidOperationException("this plot writes to a stream and has no viewer of its own"))
            : _viewer.Url.WaitAsync(cancel);

    /// <summary>Points dropped over all series because the buffer was full.</summary>
    public long Dropped
    {
        get
        {
            long n = 0;
            foreach (var s in AllSeries) n += s.Dropped;
            return n;
        }
    }

    /// <summary>False once the viewer has gone away (closed or crashed); points added after that are discarded.</summary>
    public bool IsViewerConnected => Volatile.Read(ref _viewerLost) == 0;

    /// <summary>Raised once, on the writer's thread, when the viewer goes away.</summary>
    public event EventHandler<Exception>? ViewerLost;

    /// <summary>Ends the stream, like the matplotlib example's None: sends what is buffered, then the finish frame. Returns at once.</summary>
    public void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0) Sender.RequestFinish();
    }

    /// <summary>Completes when every buffered point and the finish frame have been written (or the viewer was lost).</summary>
    public Task Completion => Sender.Completion;

    /// <summary>Waits for the spawned viewer to exit and returns its exit code.</summary>
    public Task<int> WaitForViewerExitAsync(CancellationToken cancel = default) =>
        _viewer is null ? Task.FromResult(0) : _viewer.WaitForExitAsync(cancel);

    /// <summary>Stops the spawned viewer now, page and all.</summary>
    public void CloseViewer() => _viewer?.Kill();

    /// <summary>Finishes and waits (up to <see cref="LivePlotOptions.FinishTimeout"/>) for the buffered points to be sent. The viewer stays up.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Finishes and waits (up to <see cref="LivePlotOptions.FinishTimeout"/>) for the buffered points to be sent. The viewer stays up.</summary>
    public async ValueTask DisposeAsync()
    {
        Finish();
        var done = await Task.WhenAny(Sender.Completion, Task.Delay(_options.FinishTimeout)).ConfigureAwait(false);
        if (done != Sender.Completion)
            _logger.LogWarning("PlotPipe: the viewer did not take the last points within {Timeout}; giving up on them", _options.FinishTimeout);
    }

    internal FrameSender Sender { get; }

    internal ChunkPool Pool { get; }

    internal WhenFull Policy { get; }

    internal Series[] AllSeries => Volatile.Read(ref _series);

    internal bool IsViewerLost => Volatile.Read(ref _viewerLost) != 0;

    /// <summary>No more points can be delivered: finished, or the viewer is gone.</summary>
    internal bool IsClosed => Volatile.Read(ref _finished) != 0 || IsViewerLost;

    /// <summary>Whether a producer waiting for room should stop waiting; one delegate, made once, so a dropping Add allocates nothing.</summary>
    internal Func<bool> GiveUpWaiting { get; }

    internal int? ViewerProcessId => _viewer?.Id;

    internal void NoteDropped()
    {
        if (IsClosed || Interlocked.Exchange(ref _dropWarned, 1) != 0) return;
        _logger.LogWarning("PlotPipe: the buffer of {Points} points is full; dropping points and counting them (WhenFull.Drop)", _options.BufferPoints);
    }

    internal void ViewerWentAway(Exception reason)
    {
        if (Interlocked.Exchange(ref _viewerLost, 1) != 0) return;
        _logger.LogWarning("PlotPipe: the viewer went away ({Reason}); points added from now on are discarded", reason.Message);
        // Wake a producer blocked under WhenFull.Block so it can return.
        Pool.WakeWaiters();
        try
        {
            ViewerLost?.Invoke(this, reason);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "PlotPipe: a ViewerLost handler threw");
        }
    }

    private Series AddSeries(SeriesKind kind, string name, string format)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(format);
        if (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > ProtocolLimits.MaxNameBytes)
            throw new ArgumentException($"series name \"{name}\" must be 1 to {ProtocolLimits.MaxNameBytes} UTF-8 bytes", nameof(name));
        PlotFormat.Parse(format, kind);
        if (format.Length > ProtocolLimits.MaxFormatBytes)
            throw new ArgumentException($"format string \"{format}\" is longer than {ProtocolLimits.MaxFormatBytes} characters", nameof(format));
        lock (_gate)
        {
            if (Volatile.Read(ref _finished) != 0)
                throw new InvalidOperationException($"cannot add series \"{name}\": the plot is finished");
            if (_series.Length >= ProtocolLimits.MaxSeries)
                throw new ArgumentException($"a plot holds at most {ProtocolLimits.MaxSeries} series; \"{name}\" would be one more", nameof(name));
            var series = new Series(this, _series.Length, kind, name, format);
            _series = [.. _series, series];
            return series;
        }
    }
}
