namespace PlotPipe.Viewer.Store;

/// <summary>
/// How an axis maps values to positions. A panel's definition holds its scales (<see cref="Linear"/> or
/// <see cref="Log"/>, the producer's <c>AxisScale</c>); the query stage's layout decides the kind each axis is drawn
/// with, <see cref="Time"/> included, and the page and the pictures draw that (see Query/PlotLayout.cs).
/// </summary>
internal enum AxisKind
{
    /// <summary>Plain numbers, evenly spaced.</summary>
    Linear,

    /// <summary>Powers of ten evenly spaced: only positive values have a place on it; others are counted, not drawn.</summary>
    Log,

    /// <summary>Unix seconds (UTC) shown as dates and times.</summary>
    Time,
}
