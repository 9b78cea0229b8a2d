namespace PlotPipe.Cli.Bench;

/// <summary>What the user asked of <c>plotpipe bench</c>.</summary>
internal sealed record BenchSettings(double Seconds, long Points, IReadOnlyList<int> SeriesCounts, string? JsonPath, IReadOnlySet<string> Only)
{
    /// <summary>The scenario groups `--only` may name.</summary>
    public static readonly string[] Groups = ["throughput", "capped", "pipe", "latency", "drop", "stopped", "tcp", "record", "store", "alerts"];

    /// <summary>
    /// Whether a scenario group runs: all of them unless `--only` chose some; the with/without comparisons (record,
    /// alerts) only when asked for, as they take many runs.
    /// </summary>
    public bool Runs(string group) => Only.Count == 0 ? group switch { "record" => Record, "alerts" => false, _ => true } : Only.Contains(group);

    /// <summary>Whether to compare throughput with and without <c>--record</c> in the same run (<c>--record</c>, or <c>--only record</c>).</summary>
    public bool Record { get; init; }

    /// <summary>Where the <c>--record</c> comparison writes its recordings (<c>--record-folder</c>), or null for the temporary folder.</summary>
    public string? RecordFolder { get; init; }
}
