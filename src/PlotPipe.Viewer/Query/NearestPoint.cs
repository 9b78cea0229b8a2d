namespace PlotPipe.Viewer.Query;

/// <summary>One series' stored point nearest to the cursor.</summary>
/// <param name="Index">The series' meta index.</param>
/// <param name="X">The point's x, exactly as stored.</param>
/// <param name="Y">The point's y, exactly as stored.</param>
/// <param name="Panel">The series' panel id.</param>
internal sealed record NearestPoint(int Index, double X, double Y, int Panel);
