using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// One producer of a viewer: its name, where it connects from, its own wire ids (so two producers may both use id 0,
/// and each has its own 1,024-series limit), its state and its counts. Series are known by producer and name.
/// </summary>
internal sealed class ProducerStore
{
    private readonly SeriesStore?[] _byId = new SeriesStore?[ProtocolLimits.MaxSeries];
    private volatile StreamState _state = StreamState.Streaming;

    /// <summary>Creates a streaming producer named <paramref name="name"/> that connects from <paramref name="address"/>.</summary>
    public ProducerStore(string name, string address)
    {
        Name = name;
        Address = address;
    }

    /// <summary>The name it goes by: from its Hello, suffixed " (2)", " (3)"... when another producer had it first.</summary>
    public string Name { get; }

    /// <summary>Where it connects from: the remote endpoint of its connection, or "stdin".</summary>
    public string Address { get; }

    /// <summary>Streaming until it finishes or disconnects.</summary>
    public StreamState State => _state;

    /// <summary>Why it disconnected, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The producer's series by wire id; written by the store under its lock.</summary>
    internal SeriesStore?[] ById => _byId;

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

    /// <summary>Marks it finished or disconnected (with why).</summary>
    internal void SetState(StreamState state, string? error)
    {
        if (error is not null) Error = error;
        _state = state;
    }
}
