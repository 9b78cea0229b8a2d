namespace PlotPipe.Cli.Bench;

/// <summary>What the user asked of <c>plotpipe bench</c>.</summary>
internal sealed record BenchSettings(double Seconds, long Points, IReadOnlyList<int> SeriesCounts, string? JsonPath);
