using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// Lowest and highest y of a run of line points and where its gaps (NaN y) start and end, merged from
/// summaries and scans in index order. Indexes are absolute; -1 means none.
/// </summary>
internal struct LineSummary
{
    /// <summary>Lowest y (+inf when none).</summary>
    public double Min;

    /// <summary>Highest y (-inf when none).</summary>
    public double Max;

    /// <summary>Index of the first point holding the lowest y.</summary>
    public long MinAt;

    /// <summary>Index of the first point holding the highest y.</summary>
    public long MaxAt;

    /// <summary>Index of the first NaN y.</summary>
    public long FirstGapAt;

    /// <summary>Index of the last NaN y.</summary>
    public long LastGapAt;

    /// <summary>No points yet.</summary>
    public static LineSummary Empty => new()
    {
        Min = double.PositiveInfinity, Max = double.NegativeInfinity, MinAt = -1, MaxAt = -1, FirstGapAt = -1, LastGapAt = -1,
    };

    /// <summary>Merges a block or group summary whose indexes count from <paramref name="chunkStart"/>.</summary>
    public void Add(long chunkStart, in ChunkSummary run)
    {
        // Strict comparisons keep the earliest index on ties, as the summaries themselves do.
        if (run.YMin < Min) { Min = run.YMin; MinAt = chunkStart + run.YMinAt; }
        if (run.YMax > Max) { Max = run.YMax; MaxAt = chunkStart + run.YMaxAt; }
        if (run.FirstGapAt >= 0)
        {
            if (FirstGapAt < 0) FirstGapAt = chunkStart + run.FirstGapAt;
            LastGapAt = chunkStart + run.LastGapAt;
        }
    }

    /// <summary>Merges the summary of the run that follows this one.</summary>
    public void Append(in LineSummary next)
    {
        if (next.Min < Min) { Min = next.Min; MinAt = next.MinAt; }
        if (next.Max > Max) { Max = next.Max; MaxAt = next.MaxAt; }
        if (next.FirstGapAt >= 0)
        {
            if (FirstGapAt < 0) FirstGapAt = next.FirstGapAt;
            LastGapAt = next.LastGapAt;
        }
    }

    /// <summary>Merges points whose y are <paramref name="ys"/>, the first of them at index <paramref name="start"/>.</summary>
    public void Scan(ReadOnlySpan<double> ys, long start)
    {
        double min = Min, max = Max;
        long minAt = MinAt, maxAt = MaxAt;
        for (int i = 0; i < ys.Length; i++)
        {
            double y = ys[i];
            if (y < min) { min = y; minAt = start + i; }
            if (y > max) { max = y; maxAt = start + i; }
            if (double.IsNaN(y))
            {
                if (FirstGapAt < 0) FirstGapAt = start + i;
                LastGapAt = start + i;
            }
        }
        Min = min; Max = max; MinAt = minAt; MaxAt = maxAt;
    }
}
