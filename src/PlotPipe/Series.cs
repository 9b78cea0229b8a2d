using PlotPipe.Buffering;
using PlotPipe.Protocol;

namespace PlotPipe;

/// <summary>
/// A named series of (x, y) points in a live plot. <see cref="Add(double, double)"/> is safe to call from any thread
/// and never waits on the viewer under the default policy: points go into a preallocated batch that a
/// background writer sends.
/// </summary>
public sealed class Series
{
    private readonly LivePlot _plot;
    private readonly Queue<PointChunk> _full = new();
    private PointChunk? _current;
    private int _lock;
    private long _dropped;

    internal Series(LivePlot plot, int id, SeriesKind kind, string name, string format)
    {
        _plot = plot;
        Id = id;
        Kind = kind;
        Name = name;
        Format = format;
    }

    /// <summary>The name the legend shows.</summary>
    public string Name { get; }

    /// <summary>The matplotlib-style format string, such as "ro" or "b-".</summary>
    public string Format { get; }

    /// <summary>Scatter (any order) or line (x must not decrease).</summary>
    public SeriesKind Kind { get; }

    /// <summary>Points of this series dropped because the buffer was full (only under <see cref="WhenFull.Drop"/>).</summary>
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

    internal int Id { get; }

    internal bool Defined { get; set; }

    internal long DroppedSent { get; set; }

    /// <summary>Adds one point. Costs a few nanoseconds; never throws and never waits under the default policy.</summary>
    public void Add(double x, double y)
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) == 0)
        {
            var c = _current;
            if (c is not null)
            {
                int n = c.Count;
                var xs = c.X;
                if ((uint)n < (uint)xs.Length)
                {
                    xs[n] = x;
                    c.Y[n] = y;
                    c.Count = n + 1;
                    if (n != 0)
                    {
                        Volatile.Write(ref _lock, 0);
                        return;
                    }
                    // A full fence, so the writer's idle flag read next is current (it checks our count after setting it).
                    Interlocked.Exchange(ref _lock, 0);
                    _plot.Sender.FirstPointAdded();
                    return;
                }
            }
            Volatile.Write(ref _lock, 0);
        }
        AddSlow(x, y);
    }

    /// <summary>Adds points given as two columns of equal length, copied in bulk.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void Add(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length != ys.Length)
            throw new ArgumentException($"xs has {xs.Length} values but ys has {ys.Length}; they must be equal", nameof(ys));
        while (!xs.IsEmpty)
        {
            Enter();
            var c = _current;
            if (c is not null && c.Count < c.Capacity)
            {
                int at = c.Count;
                int n = Math.Min(c.Capacity - at, xs.Length);
                xs[..n].CopyTo(c.X.AsSpan(at));
                ys[..n].CopyTo(c.Y.AsSpan(at));
                c.Count = at + n;
                Interlocked.Exchange(ref _lock, 0);
                if (at == 0) _plot.Sender.FirstPointAdded();
                xs = xs[n..];
                ys = ys[n..];
                continue;
            }
            Exit();
            if (!NewChunk(c))
            {
                Enter();
                _dropped += xs.Length;
                Exit();
                _plot.NoteDropped();
                return;
            }
        }
    }

    private void AddSlow(double x, double y)
    {
        while (true)
        {
            Enter();
            var c = _current;
            if (c is not null && c.Count < c.Capacity)
            {
                int n = c.Count;
                c.X[n] = x;
                c.Y[n] = y;
                c.Count = n + 1;
                Interlocked.Exchange(ref _lock, 0);
                if (n == 0) _plot.Sender.FirstPointAdded();
                return;
            }
            Exit();
            if (!NewChunk(c))
            {
                Enter();
                _dropped++;
                Exit();
                _plot.NoteDropped();
                return;
            }
        }
    }

    // Queues the full chunk (if still current) and installs a fresh one; false when none can be had.
    private bool NewChunk(PointChunk? full)
    {
        bool queued = false;
        Enter();
        if (full is not null && ReferenceEquals(_current, full))
        {
            _full.Enqueue(full);
            _current = null;
            queued = true;
        }
        bool needed = _current is null;
        Exit();
        if (queued) _plot.Sender.BatchFull();
        if (!needed) return true;
        if (_plot.IsClosed) return false;
        var fresh = _plot.Pool.Rent(_plot.Policy == WhenFull.Block, _plot.GiveUpWaiting);
        if (fresh is null) return false;
        Enter();
        if (_current is null)
        {
            _current = fresh;
            fresh = null;
        }
        Exit();
        if (fresh is not null) _plot.Pool.Return(fresh);
        return true;
    }

    /// <summary>Moves every waiting batch, full ones first, into <paramref name="into"/> (the writer's side); returns the dropped total.</summary>
    internal long TakeBatches(List<PointChunk> into, ChunkPool pool, bool takePartial)
    {
        // Rent outside the lock: the pool's lock must never nest inside a series lock.
        var fresh = takePartial || _current is null ? pool.Rent(false, NeverWait) : null;
        Enter();
        while (_full.Count > 0) into.Add(_full.Dequeue());
        var c = _current;
        if (takePartial && c is not null && c.Count > 0)
        {
            into.Add(c);
            _current = fresh;
            fresh = null;
        }
        else if (c is null && fresh is not null)
        {
            _current = fresh;
            fresh = null;
        }
        long dropped = _dropped;
        Exit();
        if (fresh is not null) pool.Return(fresh);
        return dropped;
    }

    private static readonly Func<bool> NeverWait = static () => true;

    /// <summary>Whether any point waits to be sent.</summary>
    internal bool HasPending()
    {
        Enter();
        bool pending = _full.Count > 0 || _current is { Count: > 0 } || _dropped != DroppedSent;
        Exit();
        return pending;
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) == 0) return;
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _lock, 1, 0) != 0) spin.SpinOnce();
    }

    private void Exit() => Volatile.Write(ref _lock, 0);
}
