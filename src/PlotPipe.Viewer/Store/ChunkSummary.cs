namespace PlotPipe.Viewer.Store;

/// <summary>
/// What a run of points (a block of 256 or a group of 4,096) holds, kept beside the columns so a query can skip or
/// take the run whole: its box (NaNs left out; an all-NaN run has min +inf and max -inf), where its lowest and highest
/// y and its gaps (NaN y) are, and how many points hold a NaN. Indexes count within the chunk; -1 means none.
/// </summary>
internal struct ChunkSummary
{
    /// <summary>Smallest x.</summary>
    public double XMin;

    /// <summary>Largest x.</summary>
    public double XMax;

    /// <summary>Smallest y.</summary>
    public double YMin;

    /// <summary>Largest y.</summary>
    public double YMax;

    /// <summary>Index of the first point holding the smallest y (-1 when the run has no y that is not NaN).</summary>
    public int YMinAt;

    /// <summary>Index of the first point holding the largest y.</summary>
    public int YMaxAt;

    /// <summary>Index of the first NaN y, a gap in a line (-1 when none).</summary>
    public int FirstGapAt;

    /// <summary>Index of the last NaN y (-1 when none).</summary>
    public int LastGapAt;

    /// <summary>Points with a NaN x or y, so a run inside a view can be counted unread.</summary>
    public int NaNCount;

    /// <summary>The summary of no points, ready to merge into.</summary>
    public static ChunkSummary Empty => new()
    {
        XMin = double.PositiveInfinity, XMax = double.NegativeInfinity, YMin = double.PositiveInfinity, YMax = double.NegativeInfinity,
        YMinAt = -1, YMaxAt = -1, FirstGapAt = -1, LastGapAt = -1,
    };

    /// <summary>Whether every y of the run is NaN (or the run is empty).</summary>
    public readonly bool AllGaps => YMinAt < 0 && YMaxAt < 0;

    /// <summary>Whether no point of the run can have x in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public readonly bool OutsideX(double min, double max) => XMax < min || XMin > max;

    /// <summary>Whether every point of the run has x in [<paramref name="min"/>, <paramref name="max"/>] and no NaN.</summary>
    public readonly bool InsideX(double min, double max) => XMin >= min && XMax <= max && NaNCount == 0;

    /// <summary>Merges the summary of the run that follows this one; strict comparisons keep the first index on ties.</summary>
    public void Merge(in ChunkSummary next)
    {
        if (next.XMin < XMin) XMin = next.XMin;
        if (next.XMax > XMax) XMax = next.XMax;
        if (next.YMin < YMin) { YMin = next.YMin; YMinAt = next.YMinAt; }
        if (next.YMax > YMax) { YMax = next.YMax; YMaxAt = next.YMaxAt; }
        if (next.FirstGapAt >= 0)
        {
            if (FirstGapAt < 0) FirstGapAt = next.FirstGapAt;
            LastGapAt = next.LastGapAt;
        }
        NaNCount += next.NaNCount;
    }
}
