namespace PlotPipe.Viewer.Decimate;

/// <summary>How a series' part of a view is sent.</summary>
internal enum ViewMode
{
    /// <summary>As (x, y) points: every point in view, or the M4 points of a line.</summary>
    Points = 0,
    /// <summary>As a grid of counts per pixel, for scatter series with too many points to draw.</summary>
    Density = 1,
}
