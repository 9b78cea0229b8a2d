using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>One panel as the layout resolved it: its definition, the kind each axis is drawn with and its x group.</summary>
/// <param name="Definition">The panel as the producer defined it, or the defaults for a panel only a series names.</param>
/// <param name="X">Time, log or linear (see <see cref="PlotLayout"/> for the rule).</param>
/// <param name="Y">Log or linear.</param>
/// <param name="XGroup">
/// The id of the first panel of its x group: panels of one group share their x range (linked panels of the same x
/// kind); an unlinked panel is a group of its own, known by its own id.
/// </param>
internal readonly record struct PanelLayout(PanelDefinition Definition, AxisKind X, AxisKind Y, int XGroup)
{
    /// <summary>The panel's id.</summary>
    public int Id => Definition.Id;
}
