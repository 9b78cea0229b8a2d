using System.Buffers;
using PlotPipe.Buffering;
using PlotPipe.Protocol;

namespace PlotPipe.Transport;

/// <summary>
/// The background writer: takes full or aged batches from every series buffer, encodes them into one reused buffer
/// and writes it to the stream from its own thread, then hands the chunks back to the pool. The producer's threads only
/// ever signal it; all I/O and every failure of the transport stay on this thread, reported once through the
/// loss callback. Over TCP it also reconnects: a dropped connection is followed by a new one, which gets the
/// handshake, the Hello, the plot's and panels' definitions and every series definition again, in that order,
/// before any new point.
/// A series is defined when it first has something to send (so a first <c>Add(DateTime)</c> can mark it as
/// timed), and series are defined in the order they were made (so the legend and the colour cycle follow that
/// order): a series with points defines every earlier one still undefined; at the finish every one is defined.
/// </summary>
internal sealed class FrameSender
{
    // How long a refusing viewer's line may take to arrive after the write that noticed the connection gone.
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(300);
    private readonly TcpViewer? _link;
    private readonly string _token;
    // Frames encoded and not yet written, and where they go. Written synchronously by this thread, in writes of up to
    // a megabyte (small writes into a pipe cost far more per byte): a pipe's asynchronous write runs on a thread-pool
    // thread, which then spins for more work on the cores the viewer needs.
    private readonly ArrayBufferWriter<byte> _writer = new(1 << 20);
    private Stream _destination;
    private readonly ChunkPool _pool;
    private readonly BufferSignals _signals;
    private readonly Action<Exception> _lost;
    private readonly ushort _version;
    private readonly string _producerName;
    private readonly int _flushIntervalMs;
    private readonly List<PointChunk> _batch = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SeriesBuffer[] _buffers = [];
    private readonly IReadOnlyCollection<KeyValuePair<string, string>>? _plotProperties;
    private (int Id, List<KeyValuePair<string, string>> Properties)[] _panels = [];
    // Writer side: the first _definedPanels panels and the first _definedSeries series have gone out on this connection.
    private int _definedPanels;
    private int _definedSeries;
    // Markers waiting for the writer; rare, so a locked queue serves. Bounded, so a program that marks in a tight
    // loop while the viewer is gone cannot grow it without end: beyond the bound they are counted, not kept.
    private readonly Queue<PlotEvent> _events = new();
    private long _eventsLost;
    private volatile bool _finishRequested;
    private volatile bool _broken;
    // The current connection failed (TCP only): stop taking points, so they wait for the next one.
    private bool _down;

    public FrameSender(Stream destination, ChunkPool pool, BufferSignals signals, TimeSpan flushInterval, Action<Exception> lost, string producerName, ushort version = ProtocolLimits.Version, TcpViewer? link = null, string token = "", IReadOnlyCollection<KeyValuePair<string, string>>? plotProperties = null)
    {
        _plotProperties = plotProperties;
        _link = link;
        _token = token;
        _producerName = producerName;
        _pool = pool;
        _signals = signals;
        _lost = lost;
        _version = version;
        _flushIntervalMs = Math.Max(1, (int)Math.Ceiling(flushInterval.TotalMilliseconds));
        _destination = destination;
        _thread = new Thread(Run) { IsBackground = true, Name = "PlotPipe writer" };
    }

    /// <summary>Completes when the stream is finished and closed, or the viewer was lost.</summary>
    public Task Completion => _done.Task;

    /// <summary>Bytes written so far, for the benchmark harness.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Whether a write has failed: nothing more reaches the viewer.</summary>
    public bool IsBroken => _broken;

    public void Start() => _thread.Start();

    /// <summary>Adds a series buffer to drain; its DefineSeries frame goes first.</summary>
    public void Add(SeriesBuffer buffer)
    {
        lock (_batch)
        {
            Volatile.Write(ref _buffers, [.. _buffers, buffer]);
        }
        _signals.Wake();
    }

    /// <summary>Adds a panel to define; call before adding any series of it, so its DefinePanel frame goes first.</summary>
    public void AddPanel(int id, List<KeyValuePair<string, string>> properties)
    {
        lock (_batch)
        {
            Volatile.Write(ref _panels, [.. _panels, (id, properties)]);
        }
        _signals.Wake();
    }

    /// <summary>Markers that may wait for the writer at once; more are counted in <see cref="EventsLost"/>.</summary>
    public const int MaxPendingEvents = 65_536;

    /// <summary>Markers not sent: over the pending bound, or taken when the viewer had gone.</summary>
    public long EventsLost => Interlocked.Read(ref _eventsLost);

    /// <summary>Queues a checked marker for the writer, without waiting; returns false (and counts it) when the queue is full.</summary>
    public bool AddEvent(PlotEvent marker)
    {
        lock (_events)
        {
            if (_events.Count >= MaxPendingEvents)
            {
                Interlocked.Increment(ref _eventsLost);
                return false;
            }
            _events.Enqueue(marker);
        }
        _signals.Wake();
        return true;
    }

    /// <summary>Asks the writer to send what is left, then the finish frame, then close the stream.</summary>
    public void RequestFinish()
    {
        _finishRequested = true;
        _signals.Wake();
    }

    // Writes what is left and closes the stream.
    private void Complete()
    {
        try
        {
            if (_writer.WrittenCount > 0 && !_broken && !_down) _destination.Write(_writer.WrittenSpan);
        }
        finally
        {
            _writer.ResetWrittenCount();
            _destination.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            WriteHandshake();
            Flush();
            while (true)
            {
                if (_down || (_link is not null && _link.IsDown))
                {
                    if (!Reconnect()) break;
                    continue;
                }
                _pool.ShrinkIfDrained();
                bool finishing = _finishRequested;
                // Woken because batches filled, the stream is busy: leave the batch being filled to fill up, rather
                // than fight the producer for it and send it half empty. Quiet streams, timeouts and a producer
                // out of room take it.
                bool busy = _signals.TakeBatchFilled();
                bool roomWanted = _signals.TakeRoomWanted();
                int sent = SendPending(takePartial: finishing || !busy || roomWanted, defineAll: finishing);
                if (_broken)
                {
                    // The loss closed every buffer: one more pass hands their chunks back, and nothing more will come.
                    SendPending(takePartial: true);
                    break;
                }
                // Over TCP the connection went while sending: what it took is gone, the rest waits for the next one.
                if (_down) continue;
                // The buffers were closed before the finish was asked for, so this last pass has every point added before Finish.
                if (finishing)
                {
                    if (!_broken)
                    {
                        FrameWriter.WriteFinish(_writer);
                        Flush();
                    }
                    if (_down) continue;
                    // A short stream may be written whole before a refusal of its Hello arrives: the viewer closes the
                    // connection once it has read the Finish, so its last word (if any) is heard before the plot completes.
                    if (_link is { } link && !_broken)
                    {
                        link.Closing();
                        if (link.Refusal(RefusalWait) is { } refusal) Lose(new IOException(refusal));
                    }
                    break;
                }
                if (sent > 0)
                {
                    // Let a busy stream gather into larger batches; a full batch or a starved renter wakes us sooner.
                    _signals.WaitForWork(_flushIntervalMs);
                    continue;
                }
                // Nothing moved: sleep until a first point arrives. The flag is set before the last look, and
                // a series clears its lock with a full fence before reading it, so no point can be missed.
                _signals.EnterIdle();
                if (!AnyPending()) _signals.WaitForWork(250);
                _signals.LeaveIdle();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Lose(e);
        }
        finally
        {
            _link?.Closing();
            try
            {
                Complete();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                Lose(e);
            }
            _done.TrySetResult();
        }
    }

    private void WriteHandshake()
    {
        // Only tests speak another version, to see how a viewer that refuses the stream is reported.
        FrameWriter.WriteHandshake(_writer, _version);
        // Over a spawned viewer's standard input the parent needs no token: the pipe itself is the access.
        if (_version < 2) return;
        FrameWriter.WriteHello(_writer, _producerName, _token);
        if (_plotProperties is not null) FrameWriter.WriteDefinePlot(_writer, _plotProperties);
    }

    // The connection is gone: a refusal ends the plot (a wrong token will not become right), anything else is
    // followed by a new connection that starts over, every series defined again and its dropped total sent again.
    private bool Reconnect()
    {
        var link = _link!;
        if (link.Refusal(RefusalWait) is { } refusal)
        {
            Lose(new IOException(refusal));
            return false;
        }
        try
        {
            Complete();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The old connection is gone anyway.
        }
        var stream = link.Reconnect();
        if (stream is null)
        {
            Lose(new IOException($"stopped reconnecting to the viewer at {link.Address}"));
            return false;
        }
        _destination = stream;
        _down = false;
        // The series the viewer knew go out again at once, as they were; the others when they have points.
        int known = _definedSeries;
        _definedPanels = 0;
        _definedSeries = 0;
        var buffers = Volatile.Read(ref _buffers);
        foreach (var b in buffers) b.DroppedBefore = b.DroppedSent;
        WriteHandshake();
        DefinePanels();
        if (known > 0) DefineThrough(buffers, known - 1);
        Flush();
        return !_broken;
    }

    private bool AnyPending()
    {
        if (_finishRequested) return true;
        if (_definedPanels < Volatile.Read(ref _panels).Length) return true;
        lock (_events)
        {
            if (_events.Count > 0) return true;
        }
        foreach (var b in Volatile.Read(ref _buffers))
        {
            if (b.HasPending()) return true;
        }
        return false;
    }

    private int SendPending(bool takePartial, bool defineAll = false)
    {
        int points = 0;
        bool wrote = false;
        // The markers waiting now were made after every point these batches hold was added: taken whole (partial
        // batches too) and sent before them, those points reach the viewer ahead of the markers, as they were made.
        int markersDue;
        lock (_events) markersDue = _events.Count;
        takePartial |= markersDue > 0;
        // Series before panels: a series' panel was added before the series, so every panel it names is in this look.
        var buffers = Volatile.Read(ref _buffers);
        int panels = DefinePanels();
        points += panels;
        wrote |= panels > 0 && !_broken;
        for (int i = 0; i < buffers.Length; i++)
        {
            if (_down) break;
            var b = buffers[i];
            // Taken before the series is defined: the lock that hands over its first point also makes its time mark visible.
            long dropped = b.TakeBatches(_batch, takePartial);
            if (i >= _definedSeries && (defineAll || _batch.Count > 0 || dropped != b.DroppedSent))
            {
                points += DefineThrough(buffers, i);
                wrote |= !_broken;
            }
            foreach (var chunk in _batch)
            {
                points += chunk.Count;
                if (!_broken)
                {
                    FrameWriter.WritePoints(_writer, b.Definition.Id, chunk.X.AsSpan(0, chunk.Count), chunk.Y.AsSpan(0, chunk.Count));
                    BytesWritten += FrameWriter.PointsFrameBytes(chunk.Count);
                    wrote = true;
                }
                // The points are copied into the buffer, so the chunk is free again at once: a writer blocked on a
                // stalled viewer holds no chunk (writing the columns from the chunk itself would hold it).
                _pool.Return(chunk);
                // A grown buffer can queue hundreds of megabytes in one series: write as we go here too, so the copies
                // never pile up beside it while the viewer is slow, and the chunks not yet copied still count against it.
                if (wrote && _writer.WrittenCount >= 1 << 20)
                {
                    Flush();
                    wrote = false;
                }
            }
            _batch.Clear();
            if (dropped != b.DroppedSent)
            {
                b.DroppedSent = dropped;
                points++;
                if (!_broken)
                {
                    FrameWriter.WriteDropped(_writer, b.Definition.Id, dropped - b.DroppedBefore);
                    wrote = true;
                }
            }
            // Write as we go, so a large plot never holds more than a segment's worth of encoded frames.
            if (wrote && _writer.WrittenCount >= 1 << 20)
            {
                Flush();
                wrote = false;
            }
        }
        int markers = SendEvents(markersDue);
        points += markers;
        wrote |= markers > 0 && !_broken;
        if (wrote) Flush();
        return points;
    }

    // Writes up to `due` waiting markers; a broken stream (or a version 1 one, which cannot carry them) counts them instead.
    private int SendEvents(int due)
    {
        if (_down) return 0;
        int n = 0;
        while (n < due)
        {
            PlotEvent? marker;
            lock (_events)
            {
                if (!_events.TryDequeue(out marker)) return n;
            }
            n++;
            if (_broken || _version < 2) Interlocked.Increment(ref _eventsLost);
            else FrameWriter.WriteEvent(_writer, marker.Kind, marker.X, marker.X2 ?? 0, marker.XIsTime, marker.Text);
        }
        return n;
    }

    // Defines every panel not yet defined, in order of making; returns how many.
    private int DefinePanels()
    {
        if (_down) return 0;
        var panels = Volatile.Read(ref _panels);
        int defined = 0;
        for (; _definedPanels < panels.Length; _definedPanels++)
        {
            defined++;
            var (id, properties) = panels[_definedPanels];
            if (!_broken && _version >= 2) FrameWriter.WriteDefinePanel(_writer, id, properties);
        }
        return defined;
    }

    // Defines every series not yet defined up to and including buffers[last], in order; returns how many.
    private int DefineThrough(SeriesBuffer[] buffers, int last)
    {
        int defined = 0;
        for (; _definedSeries <= last; _definedSeries++)
        {
            defined++;
            if (_broken) continue;
            var b = buffers[_definedSeries];
            var d = b.Definition;
            if (_version >= 2)
                FrameWriter.WriteDefineSeries(_writer, d.Id, d.Kind, d.Name, d.Format, d.Panel, b.XIsTime ? SeriesFlags.TimeX : SeriesFlags.None);
            else
                FrameWriter.WriteDefineSeries(_writer, d.Id, d.Kind, d.Name, d.Format);
        }
        return defined;
    }

    private void Flush()
    {
        if (_broken || _down || _writer.WrittenCount == 0) return;
        try
        {
            _destination.Write(_writer.WrittenSpan);
            _writer.ResetWrittenCount();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Failed(e);
        }
    }

    // Over TCP a failed write is a dropped connection, until the link says otherwise; elsewhere it is the end.
    private void Failed(Exception e)
    {
        if (_link is null) Lose(e);
        else _down = true;
    }

    private void Lose(Exception e)
    {
        if (_broken) return;
        _broken = true;
        _lost(e);
    }
}
