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
    public void Add(long chunkStart, double min, double max, int minAt, int maxAt, int firstGapAt, int lastGapAt)
    {
        // Strict comparisons keep the earliest index on ties, as the summaries themselves do.
        if (min < Min) { Min = min; MinAt = chunkStart + minAt; }
        if (max > Max) { Max = max; MaxAt = chunkStart + maxAt; }
        if (firstGapAt >= 0)
        {
            if (FirstGapAt < 0) FirstGapAt = chunkStart + firstGapAt;
            LastGapAt = chunkStart + lastGapAt;
        }
    }

    /// <summary>Merges points [from, to) of a chunk's y column.</summary>
    public void Scan(double[] ys, int from, int to, long chunkStart)
    {
        double min = Min, max = Max;
        long minAt = MinAt, maxAt = MaxAt;
        for (int i = from; i < to; i++)
        {
            double y = ys[i];
            if (y < min) { min = y; minAt = chunkStart + i; }
            if (y > max) { max = y; maxAt = chunkStart + i; }
            if (double.IsNaN(y))
            {
                if (FirstGapAt < 0) FirstGapAt = chunkStart + i;
                LastGapAt = chunkStart + i;
            }
        }
        Min = min; Max = max; MinAt = minAt; MaxAt = maxAt;
    }
}
