using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>One panel of a saved picture: its definition, the chart drawing it, and what it could not show.</summary>
/// <param name="Definition">The panel as the producer defined it (or the defaults).</param>
/// <param name="Plot">The chart of this panel.</param>
/// <param name="Axes">How its axes map data to picture units.</param>
/// <param name="NotShown">Points left out because a log axis cannot show a value ≤ 0.</param>
/// <param name="SeriesCount">Series drawn in it.</param>
internal sealed record FigurePanel(PanelDefinition Definition, Plot Plot, PanelAxes Axes, long NotShown, int SeriesCount);
