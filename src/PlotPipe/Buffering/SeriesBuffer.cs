using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PlotPipe.Protocol;

namespace PlotPipe.Buffering;

/// <summary>
/// One series' share of the producer's buffer: the chunk being filled, the full chunks waiting for the writer
/// and the dropped count, behind one lock word. Producers fill it; the writer drains it. A series holds a chunk
/// only while it has points to send: the writer takes partial chunks without handing a fresh one back, so an
/// idle series costs the budget nothing.
/// </summary>
internal sealed class SeriesBuffer
{
    private readonly ChunkPool _pool;
    private readonly BufferSignals _signals;
    private readonly IBufferEvents _events;
    private readonly bool _wait;
    private readonly Queue<PointChunk> _full = new();
    private PointChunk? _current;
    // The current chunk's columns, capacity and count, held here so that Add touches this object and the two
    // column slots only (1,024 series in turn miss the cache on every line Add reads). _cap is 0 with no chunk.
    private double[]? _xs;
    private double[]? _ys;
    private int _cap;
    private int _n;
    private int _lock;
    private long _dropped;
    private long _droppedAtClose;
    private bool _closed;
    // The pool's version when a rent last failed: until a chunk comes back, Add drops without asking the pool.
    private long _noRoomVersion = -1;
    // Writer side: the chunk being filled at the last pass, and how full it was.
    private PointChunk? _seenChunk;
    private int _seenCount;

    public SeriesBuffer(SeriesDefinition definition, ChunkPool pool, BufferSignals signals, IBufferEvents events, bool wait)
    {
        Definition = definition;
        _pool = pool;
        _signals = signals;
        _events = events;
        _wait = wait;
    }

    /// <summary>The series this buffer carries, as its DefineSeries frame names it.</summary>
    public SeriesDefinition Definition { get; }

    /// <summary>
    /// Whether x is time. Producer side sets it before the first timed point's lock (a full fence), so a writer
    /// that took that point under the lock reads it set, and the definition it then sends carries it.
    /// </summary>
    public bool XIsTime { get; set; }

    /// <summary>Writer side: the dropped total last sent.</summary>
    public long DroppedSent { get; set; }

    /// <summary>
    /// Writer side: the part of <see cref="DroppedSent"/> reported on earlier connections. A new connection is a new
    /// producer to the viewer, whose totals start from 0, so it is told only the drops since.
    /// </summary>
    public long DroppedBefore { get; set; }

    /// <summary>Points dropped so far, including those added after the buffer closed.</summary>
    public long Dropped
    {
        get
        {
            Enter();
            long d = _dropped;
            Exit();
            return d;
        }
    }

    /// <summary>Whether this buffer holds a chunk (being filled or waiting), i.e. holds part of the budget.</summary>
    public bool HoldsChunks
    {
        get
        {
            Enter();
            bool holds = _current is not null || _full.Count > 0;
            Exit();
            return holds;
        }
    }

    /// <summary>Adds one point; the fast path is one compare-exchange and two stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double x, double y)
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) == 0)
        {
            int n = _n;
            if ((uint)n < (uint)_cap)
            {
                // In range: _cap is the length of both columns, kept with them under the lock.
                Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_xs!), n) = x;
                Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_ys!), n) = y;
                _n = n + 1;
                if (n != 0)
                {
                    Volatile.Write(ref _lock, 0);
                    return;
                }
                // A full fence, so the writer's idle flag read next is current (it checks our count after setting it).
                Interlocked.Exchange(ref _lock, 0);
                _signals.FirstPointAdded();
                return;
            }
            else if (_cap == 0 && _noRoomVersion == _pool.Version)
            {
                // Nothing came back since the last rent failed: asking again would fail too, at many times the cost.
                _dropped++;
                Volatile.Write(ref _lock, 0);
                return;
            }
            Volatile.Write(ref _lock, 0);
        }
        AddSlow(x, y);
    }

    /// <summary>Adds two columns of equal length, copied in bulk.</summary>
    public void Add(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        while (!xs.IsEmpty)
        {
            Enter();
            if (_n < _cap)
            {
                int at = _n;
                int n = Math.Min(_cap - at, xs.Length);
                xs[..n].CopyTo(_xs!.AsSpan(at));
                ys[..n].CopyTo(_ys!.AsSpan(at));
                _n = at + n;
                Interlocked.Exchange(ref _lock, 0);
                if (at == 0) _signals.FirstPointAdded();
                xs = xs[n..];
                ys = ys[n..];
                continue;
            }
            Exit();
            if (!Refill(xs.Length)) return;
        }
    }

    /// <summary>
    /// Ends the buffer: the chunk being filled joins the queue, so every point added before this returns is sent,
    /// and every later Add is counted as dropped without being sent.
    /// </summary>
    public void Close()
    {
        PointChunk? empty = null;
        Enter();
        var c = Detach();
        if (c is { Count: > 0 }) _full.Enqueue(c);
        else empty = c;
        if (!_closed) _droppedAtClose = _dropped;
        _closed = true;
        Exit();
        if (empty is not null) _pool.Return(empty);
    }

    /// <summary>Writer side: moves every waiting chunk, full ones first, into <paramref name="into"/>; returns the dropped total to report.</summary>
    public long TakeBatches(List<PointChunk> into, bool takePartial)
    {
        Enter();
        while (_full.Count > 0) into.Add(_full.Dequeue());
        var c = _current;
        int count = _n;
        // A chunk nobody added to since the last pass is idle: take it even from a busy writer, so a quiet series
        // among busy ones gives its room back too.
        bool idle = c is not null && ReferenceEquals(c, _seenChunk) && count == _seenCount;
        if ((takePartial || idle) && count > 0)
        {
            // No fresh chunk: the series rents one on its next Add, so an idle series holds none.
            into.Add(Detach()!);
            c = null;
        }
        _seenChunk = c;
        _seenCount = c is null ? 0 : count;
        // Points counted after closing never reach the viewer: the finish frame has gone, or is going, before them.
        long dropped = _closed ? _droppedAtClose : _dropped;
        Exit();
        return dropped;
    }

    /// <summary>Writer side: whether anything waits to be sent.</summary>
    public bool HasPending()
    {
        Enter();
        bool pending = _full.Count > 0 || _n > 0 || (_closed ? _droppedAtClose : _dropped) != DroppedSent;
        Exit();
        return pending;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddSlow(double x, double y)
    {
        while (true)
        {
            Enter();
            int n = _n;
            if (n < _cap)
            {
                _xs![n] = x;
                _ys![n] = y;
                _n = n + 1;
                Interlocked.Exchange(ref _lock, 0);
                if (n == 0) _signals.FirstPointAdded();
                return;
            }
            Exit();
            if (!Refill(1)) return;
        }
    }

    // Queues a full chunk and installs a fresh one; false when none can be had, having counted the points as dropped.
    private bool Refill(long points)
    {
        Enter();
        if (_n < _cap)
        {
            // Another thread refilled first.
            Exit();
            return true;
        }
        var c = Detach();
        bool queued = false;
        if (c is not null)
        {
            _full.Enqueue(c);
            queued = true;
        }
        bool closed = _closed;
        if (closed)
        {
            _dropped += points;
            _noRoomVersion = _pool.Version;
        }
        Exit();
        if (queued) _signals.BatchFull();
        if (closed)
        {
            _events.AddedAfterClose();
            return false;
        }
        // Read before renting, so a chunk returned while the rent fails still counts as a change.
        long version = _pool.Version;
        // The pool's lock is never taken inside a series lock.
        var fresh = _pool.Rent(_wait);
        Enter();
        if (fresh is null)
        {
            _dropped += points;
            _noRoomVersion = version;
            // Under Block a rent fails only once the pool is closed.
            bool late = _closed || _wait;
            Exit();
            if (late) _events.AddedAfterClose();
            else _events.BufferFull();
            return false;
        }
        if (_current is null && !_closed)
        {
            _current = fresh;
            _xs = fresh.X;
            _ys = fresh.Y;
            _cap = fresh.Capacity;
            _n = 0;
            fresh = null;
        }
        Exit();
        if (fresh is not null) _pool.Return(fresh);
        return true;
    }

    // Under the lock: takes the current chunk out, its count settled, leaving none.
    private PointChunk? Detach()
    {
        var c = _current;
        if (c is not null) c.Count = _n;
        _current = null;
        _xs = null;
        _ys = null;
        _cap = 0;
        _n = 0;
        return c;
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) == 0) return;
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _lock, 1, 0) != 0) spin.SpinOnce();
    }

    private void Exit() => Volatile.Write(ref _lock, 0);
}
