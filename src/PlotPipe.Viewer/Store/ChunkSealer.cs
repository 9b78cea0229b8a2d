using PlotPipe.Viewer.Store.Codecs;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// Encodes full chunks on a thread of its own, so ingest goes straight on to the next chunk instead of spending
/// some milliseconds a chunk encoding. One long-running thread for the store (started with the first full chunk)
/// with one encoder, fed by a bounded queue: encoding keeps no order with ingest, and a thread of its own competes
/// with nobody's thread pool. A chunk waiting here keeps its plain columns, and the memory budget counts them until
/// it is sealed, so the queue's bound is also a bound on the plain memory waiting: when it is full, the series seals
/// its chunk itself, on ingest, as if there were no sealer (ingest never waits for this thread). Disposing stops the
/// thread; chunks still waiting stay plain, which readers read as well.
/// </summary>
internal sealed class ChunkSealer : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<(SeriesStore Series, ColumnChunk Chunk)> _waiting;
    private readonly ColumnEncoder _encoder = new();
    private Thread? _thread;
    private bool _stopping;
    private bool _paused;

    /// <summary>A sealer that holds at most <paramref name="capacity"/> chunks waiting (the one being sealed included).</summary>
    public ChunkSealer(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a sealer holds at least one chunk");
        Capacity = capacity;
        _waiting = new(capacity);
    }

    /// <summary>Most chunks waiting to be sealed at once, the one being sealed included.</summary>
    public int Capacity { get; }

    /// <summary>Chunks handed over and not sealed yet.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>Whether the sealing thread runs now (tests: it stops on <see cref="Dispose"/>).</summary>
    internal bool IsRunning => _thread is { IsAlive: true };

    /// <summary>
    /// Takes a full chunk of <paramref name="series"/> to seal on the sealer's thread; false when the queue is full
    /// or the sealer stopped, and the caller seals it itself.
    /// </summary>
    public bool TryHandOver(SeriesStore series, ColumnChunk chunk)
    {
        lock (_gate)
        {
            if (_stopping || _waiting.Count >= Capacity) return false;
            chunk.SealPending = true;
            _waiting.Enqueue((series, chunk));
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "plotpipe chunk sealer" };
                _thread.Start();
            }
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>Waits until every chunk handed over is sealed (or the sealer stopped); false if <paramref name="timeout"/> passed first.</summary>
    internal bool WaitUntilIdle(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_waiting.Count > 0 && !_stopping)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
            }
            return true;
        }
    }

    /// <summary>Holds the sealer after the chunk in hand, so tests can see what a sealer that falls behind does.</summary>
    internal void Pause()
    {
        lock (_gate) _paused = true;
    }

    /// <summary>Lets a paused sealer go on.</summary>
    internal void Resume()
    {
        lock (_gate)
        {
            _paused = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the sealing thread after the chunk in hand; chunks still waiting stay plain.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
            thread = _thread;
        }
        if (thread is not null && thread != Thread.CurrentThread) thread.Join();
        lock (_gate)
        {
            // Left plain: an evicted one may be filled again (SeriesStore.Recycled) now that nothing will seal it.
            while (_waiting.TryDequeue(out var left)) left.Chunk.SealPending = false;
        }
    }

    private void Run()
    {
        while (true)
        {
            (SeriesStore Series, ColumnChunk Chunk) next;
            lock (_gate)
            {
                while (!_stopping && (_paused || _waiting.Count == 0)) Monitor.Wait(_gate);
                if (_stopping) return;
                // The chunk stays at the queue's head while it is sealed: the bound counts it, and WaitUntilIdle waits for it.
                next = _waiting.Peek();
            }
            try
            {
                next.Series.Seal(next.Chunk, _encoder);
            }
            catch (Exception)
            {
                // Encoding only saves memory: a chunk it failed on (out of memory) stays plain, which readers read as
                // well and the budget still counts as plain; the viewer goes on.
            }
            finally
            {
                next.Chunk.SealPending = false;
                lock (_gate)
                {
                    _waiting.Dequeue();
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
