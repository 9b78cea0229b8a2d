namespace PlotPipe.Viewer.Query;

/// <summary>The body of <c>GET /api/nearest</c>.</summary>
/// <param name="X">The x asked about.</param>
/// <param name="Series">The nearest point of each visible series that has one.</param>
internal sealed record NearestReport(double X, IReadOnlyList<NearestPoint> Series);
