using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Counts bad lines (in the store, for <c>badLines</c> in the status, which also shows the first one) and
/// reports the first <see cref="ShownInFull"/> with their line number and reason; the rest are counted in one
/// line at the end.
/// </summary>
internal sealed class TextProblems
{
    /// <summary>Bad lines reported one by one before the rest are only counted.</summary>
    public const int ShownInFull = 10;

    private readonly PlotStore _store;
    private readonly Action<string> _report;
    private readonly ProducerStore? _producer;
    private readonly long _shownInFull;

    /// <summary>
    /// Counts into <paramref name="store"/> (and <paramref name="producer"/>, when given) and reports through
    /// <paramref name="report"/>, the first <paramref name="shownInFull"/> bad lines in full.
    /// </summary>
    public TextProblems(PlotStore store, Action<string> report, ProducerStore? producer = null, long shownInFull = ShownInFull)
    {
        _store = store;
        _report = report;
        _producer = producer;
        _shownInFull = shownInFull;
    }

    /// <summary>Bad lines so far.</summary>
    public long Count { get; private set; }

    /// <summary>Whether the next bad line is reported in full, so its reason is worth building.</summary>
    public bool ShowsNext => Count < _shownInFull;

    /// <summary>Counts bad line <paramref name="line"/>, reporting it while fewer than <see cref="ShownInFull"/> were.</summary>
    public void Bad(long line, string? reason)
    {
        Count++;
        var shown = Count <= _shownInFull ? $"line {line}: {reason}" : null;
        _store.CountBadLine(shown);
        _producer?.CountBadLine();
        if (shown is not null) _report($"{shown}; skipped");
    }

    /// <summary>Reports what the input as a whole lacks (no line was data): not a bad line, but the status's error at its end.</summary>
    public void Note(string message)
    {
        Ended ??= message;
        _report(message);
    }

    /// <summary>Reports an option the input shows to be mistaken (a --panel column it lacks): neither a bad line nor the status's error.</summary>
    public void Warn(string message) => _report(message);

    /// <summary>What the input's end left to say (nothing could be plotted), for the status's error; null when all went well.</summary>
    public string? Ended { get; private set; }

    /// <summary>At the end of the input: one line counting the bad lines not shown.</summary>
    public void Complete()
    {
        if (Count > _shownInFull) _report($"{Count - _shownInFull} more bad lines not shown ({Count} in all)");
    }
}
