using System.IO.Pipelines;
using PlotPipe.Buffering;
using PlotPipe.Protocol;

namespace PlotPipe.Transport;

/// <summary>
/// The background writer: takes full or aged batches from every series, encodes them straight into a
/// <see cref="PipeWriter"/> and flushes, then hands the chunks back for reuse. The producer's threads only
/// ever signal it; all I/O and every failure of the transport stay on this thread.
/// </summary>
internal sealed class FrameSender
{
    private readonly LivePlot _plot;
    private readonly PipeWriter _writer;
    private readonly ChunkPool _pool;
    private readonly int _flushIntervalMs;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<PointChunk> _batch = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _idle;
    private int _wakePending;
    private int _batchFilled;
    private volatile bool _finishRequested;

    public FrameSender(LivePlot plot, Stream destination, ChunkPool pool, TimeSpan flushInterval)
    {
        _plot = plot;
        _pool = pool;
        _flushIntervalMs = Math.Max(1, (int)Math.Ceiling(flushInterval.TotalMilliseconds));
        // Large segments make few, large writes: small writes into a pipe cost far more per byte.
        _writer = PipeWriter.Create(destination, new StreamPipeWriterOptions(minimumBufferSize: 1 << 20, leaveOpen: false));
        _thread = new Thread(Run) { IsBackground = true, Name = "PlotPipe writer" };
    }

    /// <summary>Completes when the stream is finished and closed, or the viewer was lost.</summary>
    public Task Completion => _done.Task;

    /// <summary>Bytes written so far, for the benchmark harness.</summary>
    public long BytesWritten { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>Called by a series for the first point of an empty batch: wakes the writer if it sleeps, so a quiet stream has no delay.</summary>
    public void FirstPointAdded()
    {
        if (Volatile.Read(ref _idle) == 1) Wake();
    }

    /// <summary>Called when a batch is full: it should leave now.</summary>
    public void BatchFull()
    {
        Volatile.Write(ref _batchFilled, 1);
        Wake();
    }

    /// <summary>Asks the writer to send what is left, then the finish frame, then close the stream.</summary>
    public void RequestFinish()
    {
        _finishRequested = true;
        Wake();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    private void Run()
    {
        try
        {
            FrameWriter.WriteHandshake(_writer);
            Flush();
            while (true)
            {
                bool finishing = _finishRequested;
                // Woken because batches filled, the stream is busy: leave the batch being filled to fill up, rather
                // than fight the producer for it and send it half empty. Quiet streams and timeouts take it.
                bool busy = Interlocked.Exchange(ref _batchFilled, 0) == 1;
                int sent = SendPending(takePartial: finishing || !busy);
                // Everything added before Finish was called is in this last pass; later points are ignored.
                if (finishing)
                {
                    if (!_plot.IsViewerLost)
                    {
                        FrameWriter.WriteFinish(_writer);
                        Flush();
                    }
                    break;
                }
                if (sent > 0)
                {
                    // Let a busy stream gather into larger batches; a full batch wakes us sooner.
                    WaitForWork(_flushIntervalMs);
                    continue;
                }
                // Nothing moved: sleep until a first point arrives. The flag is set before the last look, and
                // a series clears its lock with a full fence before reading it, so no point can be missed.
                Interlocked.Exchange(ref _idle, 1);
                if (!AnyPending()) WaitForWork(250);
                Volatile.Write(ref _idle, 0);
            }
        }
        finally
        {
            try
            {
                _writer.Complete();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _plot.ViewerWentAway(e);
            }
            _done.TrySetResult();
        }
    }

    private void WaitForWork(int timeoutMs)
    {
        _wake.Wait(timeoutMs);
        Volatile.Write(ref _wakePending, 0);
    }

    private bool AnyPending()
    {
        if (_finishRequested) return true;
        foreach (var s in _plot.AllSeries)
        {
            if (!s.Defined || s.HasPending()) return true;
        }
        return false;
    }

    private int SendPending(bool takePartial)
    {
        int points = 0;
        bool wrote = false;
        foreach (var s in _plot.AllSeries)
        {
            if (!s.Defined)
            {
                s.Defined = true;
                if (!_plot.IsViewerLost)
                {
                    FrameWriter.WriteDefineSeries(_writer, s.Id, s.Kind, s.Name, s.Format);
                    wrote = true;
                }
            }
            long dropped = s.TakeBatches(_batch, _pool, takePartial);
            foreach (var chunk in _batch)
            {
                points += chunk.Count;
                if (!_plot.IsViewerLost)
                {
                    FrameWriter.WritePoints(_writer, s.Id, chunk.X.AsSpan(0, chunk.Count), chunk.Y.AsSpan(0, chunk.Count));
                    BytesWritten += FrameWriter.PointsFrameBytes(chunk.Count);
                    wrote = true;
                }
                // The points are copied into the pipe's buffer, so the chunk is free again at once.
                _pool.Return(chunk);
            }
            _batch.Clear();
            if (dropped != s.DroppedSent)
            {
                s.DroppedSent = dropped;
                points++;
                if (!_plot.IsViewerLost)
                {
                    FrameWriter.WriteDropped(_writer, s.Id, dropped);
                    wrote = true;
                }
            }
        }
        if (wrote) Flush();
        return points;
    }

    private void Flush()
    {
        if (_plot.IsViewerLost) return;
        try
        {
            var result = _writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            if (result.IsCompleted) _plot.ViewerWentAway(new IOException("the viewer stopped reading"));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _plot.ViewerWentAway(e);
        }
    }
}
