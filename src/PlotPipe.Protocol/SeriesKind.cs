namespace PlotPipe.Protocol;

/// <summary>How the viewer treats a series' x values.</summary>
public enum SeriesKind : byte
{
    /// <summary>Points in any order; drawn as markers, as a density image when too many.</summary>
    Scatter = 1,
    /// <summary>Points in non-decreasing x; drawn as a line, decimated per pixel column.</summary>
    Line = 2,
}
