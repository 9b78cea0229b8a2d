using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>One panel of a saved picture: its layout, the chart drawing it, its words, and where it sits.</summary>
/// <param name="Layout">The panel as the layout resolved it: its definition, axis kinds and x group.</param>
/// <param name="Plot">The chart of this panel.</param>
/// <param name="Axes">How its axes map data to picture units.</param>
/// <param name="NotShown">Points left out because a log axis cannot show a value ≤ 0.</param>
/// <param name="SeriesCount">Series drawn in it.</param>
/// <param name="Title">Its title over the chart, or null.</param>
/// <param name="XName">Its x axis name as drawn (the page's, with UTC on a time axis), or null.</param>
/// <param name="YName">Its y axis name, or null.</param>
internal sealed record FigurePanel(PanelLayout Layout, Plot Plot, PanelAxes Axes, long NotShown, int SeriesCount, string? Title, string? XName, string? YName)
{
    /// <summary>The panel as the producer defined it (or the defaults).</summary>
    public PanelDefinition Definition => Layout.Definition;

    /// <summary>The chart's rectangle in the picture: its axes and data area, below its title.</summary>
    public PixelRect ChartRect { get; set; }

    /// <summary>The data area in the picture, where the series are drawn.</summary>
    public PixelRect DataRect { get; set; }

    /// <summary>
    /// The note of points a log axis cannot show ("12 points ≤ 0 not shown"), drawn at the right end of the title row
    /// as on the page, not over the data; null when there are none.
    /// </summary>
    public string? Note => NotShown > 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{NotShown:N0} {(NotShown == 1 ? "point" : "points")} ≤ 0 not shown")
        : null;

    /// <summary>Whether it has a title row: a title, or a <see cref="Note"/>.</summary>
    public bool HasTitleRow => Title is not null || NotShown > 0;

    /// <summary>The labels of the markers drawn on it, placed once its data area is laid out.</summary>
    public IReadOnlyList<MarkerLabel> MarkerLabels { get; init; } = [];
}
