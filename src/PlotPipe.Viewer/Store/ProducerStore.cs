using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// One producer of a viewer: its name, where it connects from, its own wire ids (so two producers may both use id 0,
/// and each has its own 1,024-series limit), its state and its counts. Series are known by producer and name.
/// A connection's producer that sends nothing for its idle timeout shows as <see cref="StreamState.Stalled"/> until
/// bytes arrive again.
/// </summary>
internal sealed class ProducerStore
{
    private readonly SeriesStore?[] _byId = new SeriesStore?[ProtocolLimits.MaxSeries];
    private volatile StreamState _state = StreamState.Streaming;
    private readonly long _idleTimeoutMs;
    private long _heardAtMs = Environment.TickCount64;

    /// <summary>
    /// Creates a streaming producer named <paramref name="name"/> that connects from <paramref name="address"/>; it
    /// shows as stalled after <paramref name="idleTimeout"/> without bytes (zero: never).
    /// </summary>
    public ProducerStore(string name, string address, TimeSpan idleTimeout = default)
    {
        Name = name;
        Address = address;
        _idleTimeoutMs = (long)Math.Ceiling(idleTimeout.TotalMilliseconds);
    }

    /// <summary>The name it goes by: from its Hello, suffixed " (2)", " (3)"... when another producer had it first.</summary>
    public string Name { get; }

    /// <summary>Where it connects from: the remote endpoint of its connection, or "stdin".</summary>
    public string Address { get; }

    /// <summary>Whether it is a recording shown as a baseline (<see cref="PlotStore.AddBaseline"/>).</summary>
    public bool IsBaseline { get; init; }

    /// <summary>
    /// Streaming until it finishes or disconnects; stalled meanwhile while nothing has arrived for its idle timeout.
    /// </summary>
    public StreamState State
    {
        get
        {
            var state = _state;
            return state == StreamState.Streaming && IsIdle(Environment.TickCount64) ? StreamState.Stalled : state;
        }
    }

    /// <summary>Whether it is a TCP connection's producer (counted while connected), not an input read to its end.</summary>
    public bool IsConnection { get; init; }

    /// <summary>Whether its connection has closed; written by the registry under its lock.</summary>
    internal bool Closed { get; set; }

    /// <summary>Notes that bytes arrived from it; true when that ends a stall (readers should be told).</summary>
    public bool Heard()
    {
        long now = Environment.TickCount64;
        // Reading first keeps the hot path to a plain load while bytes keep coming within the same millisecond.
        if (Volatile.Read(ref _heardAtMs) == now) return false;
        bool wasIdle = IsIdle(now) && _state == StreamState.Streaming;
        Volatile.Write(ref _heardAtMs, now);
        return wasIdle;
    }

    private bool IsIdle(long nowMs) => _idleTimeoutMs > 0 && nowMs - Volatile.Read(ref _heardAtMs) > _idleTimeoutMs;

    /// <summary>Why it disconnected, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The producer's series by wire id; written by the store under its lock.</summary>
    internal SeriesStore?[] ById => _byId;

    /// <summary>Whether <paramref name="series"/> is one of its series now (not one a later definition replaced).</summary>
    public bool Owns(SeriesStore series) =>
        (uint)series.Definition.Id < (uint)_byId.Length && ReferenceEquals(Volatile.Read(ref _byId[series.Definition.Id]), series);

    /// <summary>The series this producer defined with wire id <paramref name="id"/>, or null.</summary>
    public SeriesStore? Find(int id) => (uint)id < (uint)_byId.Length ? Volatile.Read(ref _byId[id]) : null;

    /// <summary>Points held over its series.</summary>
    public long Points
    {
        get
        {
            long n = 0;
            foreach (var s in _byId) n += s?.Count ?? 0;
            return n;
        }
    }

    /// <summary>Points it reported dropped before sending, over its series.</summary>
    public long Dropped
    {
        get
        {
            long n = 0;
            foreach (var s in _byId) n += s?.ProducerDropped ?? 0;
            return n;
        }
    }

    private long _badLines;

    /// <summary>Lines of its text input skipped as bad (0 for the binary protocol).</summary>
    public long BadLines => Interlocked.Read(ref _badLines);

    /// <summary>Counts one skipped bad line of its text input.</summary>
    public void CountBadLine() => Interlocked.Increment(ref _badLines);

    /// <summary>Marks it finished or disconnected (with why), or streaming again.</summary>
    internal void SetState(StreamState state, string? error)
    {
        if (error is not null) Error = error;
        _state = state;
    }
}
