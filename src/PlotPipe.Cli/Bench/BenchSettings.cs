namespace PlotPipe.Cli.Bench;

/// <summary>What the user asked of <c>plotpipe bench</c>.</summary>
internal sealed record BenchSettings(double Seconds, long Points, IReadOnlyList<int> SeriesCounts, string? JsonPath, IReadOnlySet<string> Only)
{
    /// <summary>The scenario groups `--only` may name.</summary>
    public static readonly string[] Groups = ["throughput", "capped", "pipe", "latency", "drop", "stopped", "tcp"];

    /// <summary>Whether a scenario group runs: all of them unless `--only` chose some.</summary>
    public bool Runs(string group) => Only.Count == 0 || Only.Contains(group);
}
