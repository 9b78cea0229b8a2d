using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>All series of one viewer, the stream's state, and a signal for readers that wait for new data.</summary>
public sealed class PlotStore
{
    private readonly object _gate = new();
    private readonly SeriesStore?[] _byId = new SeriesStore?[ProtocolLimits.MaxSeries];
    private SeriesStore[] _series = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _waiting;
    private long _version;

    /// <summary>Creates an empty store; <paramref name="maxPointsPerSeries"/> caps each series (0: keep all).</summary>
    public PlotStore(long maxPointsPerSeries = 0) => MaxPointsPerSeries = maxPointsPerSeries;

    /// <summary>The cap on points kept per series (0: no cap).</summary>
    public long MaxPointsPerSeries { get; }

    /// <summary>The series in order of definition.</summary>
    public IReadOnlyList<SeriesStore> Series => Volatile.Read(ref _series);

    /// <summary>The stream's state.</summary>
    public StreamState State { get; private set; } = StreamState.Streaming;

    /// <summary>The last problem with the input, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Bumped on every change; readers compare it to know whether to redraw.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Points held over all series.</summary>
    public long TotalPoints
    {
        get
        {
            long n = 0;
            foreach (var s in Series) n += s.Count;
            return n;
        }
    }

    /// <summary>Points the producer dropped, over all series.</summary>
    public long TotalDropped
    {
        get
        {
            long n = 0;
            foreach (var s in Series) n += s.ProducerDropped;
            return n;
        }
    }

    /// <summary>The series with wire id <paramref name="id"/>, or null when it was never defined.</summary>
    public SeriesStore? Find(int id) => (uint)id < (uint)_byId.Length ? _byId[id] : null;

    /// <summary>Defines (or redefines, for a reconnecting producer with the same name) a series.</summary>
    public SeriesStore Define(SeriesDefinition definition)
    {
        SeriesStore store;
        lock (_gate)
        {
            var existing = _byId[definition.Id];
            if (existing is not null && existing.Name == definition.Name && existing.Kind == definition.Kind) return existing;
            store = new SeriesStore(definition, _series.Length, MaxPointsPerSeries);
            _byId[definition.Id] = store;
            _series = [.. _series, store];
        }
        Touch();
        return store;
    }

    /// <summary>Marks the stream finished, disconnected or back to streaming, with an optional error.</summary>
    public void SetState(StreamState state, string? error = null)
    {
        lock (_gate)
        {
            State = state;
            if (error is not null) Error = error;
        }
        Touch();
    }

    /// <summary>Tells waiting readers that something changed.</summary>
    public void Touch()
    {
        Interlocked.Increment(ref _version);
        TaskCompletionSource? fire = null;
        lock (_gate)
        {
            // Only swap the signal when somebody waits, so a busy ingest allocates nothing.
            if (_waiting)
            {
                fire = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting = false;
            }
        }
        fire?.TrySetResult();
    }

    /// <summary>Completes when the store changes after version <paramref name="seen"/>.</summary>
    public Task WaitForChangeAsync(long seen, CancellationToken cancel)
    {
        lock (_gate)
        {
            if (Version != seen) return Task.CompletedTask;
            _waiting = true;
            return _changed.Task.WaitAsync(cancel);
        }
    }
}
