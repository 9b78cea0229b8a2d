using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Counts bad lines (in the store, for <c>badLines</c> in the status) and reports the first
/// <see cref="ShownInFull"/> with their line number and reason; the rest are counted in one line at the end.
/// </summary>
internal sealed class TextProblems
{
    /// <summary>Bad lines reported one by one before the rest are only counted.</summary>
    public const int ShownInFull = 10;

    private readonly PlotStore _store;
    private readonly Action<string> _report;
    private readonly ProducerStore? _producer;

    /// <summary>Counts into <paramref name="store"/> (and <paramref name="producer"/>, when given) and reports through <paramref name="report"/>.</summary>
    public TextProblems(PlotStore store, Action<string> report, ProducerStore? producer = null)
    {
        _store = store;
        _report = report;
        _producer = producer;
    }

    /// <summary>Bad lines so far.</summary>
    public long Count { get; private set; }

    /// <summary>Whether the next bad line is reported in full, so its reason is worth building.</summary>
    public bool ShowsNext => Count < ShownInFull;

    /// <summary>Counts bad line <paramref name="line"/>, reporting it while fewer than <see cref="ShownInFull"/> were.</summary>
    public void Bad(long line, string? reason)
    {
        Count++;
        _store.CountBadLine();
        _producer?.CountBadLine();
        if (Count <= ShownInFull) _report($"line {line}: {reason}; skipped");
    }

    /// <summary>At the end of the input: one line counting the bad lines not shown.</summary>
    public void Complete()
    {
        if (Count > ShownInFull) _report($"{Count - ShownInFull} more bad lines not shown ({Count} in all)");
    }
}
