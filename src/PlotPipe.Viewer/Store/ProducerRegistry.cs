namespace PlotPipe.Viewer.Store;

/// <summary>
/// The producers of one viewer over its whole life, in order of arrival. Connections are counted while open: at
/// most <see cref="MaxConnected"/> at once, any number over the viewer's life. A connection that closed stays listed
/// (its state, its counts, its legend group) among the <see cref="MaxEnded"/> that closed most recently; the one
/// that closed longest ago leaves the list when another closes beyond that. Inputs read to their end (standard
/// input, a file, a recording's producers) are no connections: they are never refused and never leave.
/// Readers take the list as an array; changes happen under one lock.
/// </summary>
internal sealed class ProducerRegistry
{
    /// <summary>The most producers connected at once over TCP; more are refused with a reason.</summary>
    public const int MaxConnected = 256;

    /// <summary>How many closed connections stay listed by default.</summary>
    public const int DefaultMaxEnded = 1024;

    private readonly object _gate = new();
    private ProducerStore[] _listed = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    // Closed connections still listed, the one that closed longest ago first.
    private readonly Queue<ProducerStore> _ended = new();
    private long _arrivals;
    private int _connected;
    private long _refused;

    /// <summary>A registry that keeps <paramref name="maxEnded"/> closed connections listed.</summary>
    public ProducerRegistry(int maxEnded = DefaultMaxEnded)
    {
        if (maxEnded < 0) throw new ArgumentException($"maxEnded {maxEnded} must not be negative", nameof(maxEnded));
        MaxEnded = maxEnded;
    }

    /// <summary>How many closed connections stay listed; the one that closed longest ago leaves first.</summary>
    public int MaxEnded { get; }

    /// <summary>The producers listed, in order of arrival.</summary>
    public ProducerStore[] Listed => Volatile.Read(ref _listed);

    /// <summary>Connections open now.</summary>
    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Connections refused before any point was read (token, no Hello, too many producers or waiting connections).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Counts one refused connection.</summary>
    public void CountRefused() => Interlocked.Increment(ref _refused);

    /// <summary>Registers the producer of an input read to its end (standard input, a file, a recording's producer).</summary>
    public ProducerStore Add(string? name, string address)
    {
        lock (_gate) return Register(name, address, TimeSpan.Zero, connection: false);
    }

    /// <summary>
    /// Registers the producer of a connection, counted as connected until <see cref="Close"/>; a producer that sends
    /// nothing for <paramref name="idleTimeout"/> shows as stalled (zero: never). Null when
    /// <see cref="MaxConnected"/> are connected.
    /// </summary>
    public ProducerStore? TryConnect(string? name, string address, TimeSpan idleTimeout)
    {
        lock (_gate)
        {
            if (_connected >= MaxConnected) return null;
            _connected++;
            return Register(name, address, idleTimeout, connection: true);
        }
    }

    /// <summary>
    /// A connection closed: its place is free for another, and it stays listed among the closed ones. Returns the
    /// producer that left the list to make room (its series must go with it), or null.
    /// </summary>
    public ProducerStore? Close(ProducerStore producer)
    {
        lock (_gate)
        {
            if (!producer.IsConnection || producer.Closed) return null;
            producer.Closed = true;
            _connected--;
            _ended.Enqueue(producer);
            if (_ended.Count <= MaxEnded) return null;
            var gone = _ended.Dequeue();
            _names.Remove(gone.Name);
            var listed = new ProducerStore[_listed.Length - 1];
            int n = 0;
            foreach (var p in _listed)
            {
                if (!ReferenceEquals(p, gone)) listed[n++] = p;
            }
            Volatile.Write(ref _listed, listed);
            return gone;
        }
    }

    // Under the gate. A name another listed producer goes by gets " (2)", " (3)"... so the same script run twice
    // shows as two runs; none at all becomes "producer N", N counting every arrival.
    private ProducerStore Register(string? name, string address, TimeSpan idleTimeout, bool connection)
    {
        long arrival = ++_arrivals;
        string given = string.IsNullOrEmpty(name) ? $"producer {arrival}" : name;
        string unique = given;
        for (int k = 2; _names.Contains(unique); k++) unique = $"{given} ({k})";
        var producer = new ProducerStore(unique, address, idleTimeout) { IsConnection = connection };
        _names.Add(unique);
        Volatile.Write(ref _listed, [.. _listed, producer]);
        return producer;
    }
}
