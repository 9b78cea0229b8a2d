namespace PlotPipe.Viewer.Query;

/// <summary>One panel of a page's view request: which panel, how tall, and its own ranges (null = fit).</summary>
/// <param name="Id">The panel's id, as meta's <c>plot.panels[].id</c>.</param>
/// <param name="HeightPx">Its plot area's height in device pixels.</param>
/// <param name="XMin">Left edge of its x group (the first panel of a group giving one wins); null = fit the group's data.</param>
/// <param name="XMax">Right edge of its x group.</param>
/// <param name="YMin">Bottom edge, or null to fit its visible series in x view.</param>
/// <param name="YMax">Top edge, or null to fit.</param>
/// <param name="Smooth">Weight of the smoothed curve sent beside each line series (0 to <see cref="SmoothedView.MaxWeight"/>); 0 sends none.</param>
internal readonly record struct PanelRequest(int Id, int HeightPx, double? XMin, double? XMax, double? YMin, double? YMax, double Smooth = 0);
