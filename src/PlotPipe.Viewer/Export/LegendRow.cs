using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Export;

/// <summary>One row of a picture's legend, as the page's legend lists it: a series, or the header of a group of them.</summary>
/// <param name="Text">The series' name, or the header's text.</param>
/// <param name="Series">The series this row names; null for a header.</param>
/// <param name="Producer">Whether the header names a producer (else a panel); false for a series.</param>
/// <param name="Tag">The panel a series is drawn in, when series are grouped by producer and several panels show; else null.</param>
/// <param name="Baseline">Whether the series is a baseline's, its swatch muted as its lines are.</param>
internal sealed record LegendRow(string Text, SeriesStore? Series, bool Producer = false, string? Tag = null, bool Baseline = false)
{
    /// <summary>Whether this row is a header rather than a series.</summary>
    public bool IsHeader => Series is null;
}
