namespace PlotPipe.Cli.Bench;

/// <summary>
/// What <c>--alert</c> rules cost ingest: the one-series block throughput run (every point kept) into a viewer
/// without rules and into one with ten on the streamed series (nine that never hold, one sustained rule whose test
/// holds on a third of the points but never long enough to fire), in turns, compared by the median of the turns' ratios.
/// </summary>
internal static class AlertsScenario
{
    /// <summary>Runs of each kind; each turn runs both, the order swapped every turn so a drifting machine favours neither.</summary>
    public const int Turns = 5;

    /// <summary>The rules, on the throughput run's series <c>s0</c> (y = sin(i / 100), repeating every 4,096 points).</summary>
    public static readonly string[] Rules =
    [
        "s0 > 2", "s0 >= 2.5", "s0 < -2", "s0 <= -2.5", "s0 is nan",
        "s0 > 3", "s0 < -3", "s0 > 1e6", "s0 < -1e6",
        // Above 0.5 for about 209 points in each 628: a run starts and breaks again and again, never reaching 1,000.
        "s0 > 0.5 for 1000 points",
    ];

    /// <summary>Runs the turns and adds each kind's median rate and their ratio to <paramref name="report"/>.</summary>
    public static void Run(BenchReport report, BenchSettings settings)
    {
        // Each run's own rows would repeat the throughput group's many times over: only failures and the alerts count are kept.
        var runs = new BenchReport();
        var paired = PairedRuns.Run(Turns,
            () => ThroughputScenario.Run(runs, settings, 1, spans: true).Rate,
            () => ThroughputScenario.Run(runs, settings, 1, spans: true, alerts: Rules).Rate,
            (turn, without, with) => Console.WriteLine($"  alerts turn {turn + 1}/{Turns}: {without / 1e6:F1} M points/s without, {with / 1e6:F1} M with {Rules.Length} rules"));
        foreach (var failure in runs.Failures) report.Fail(failure);
        long fired = 0;
        foreach (var row in runs.Rows) if (row.Figure == "alerts fired") fired += (long)row.Value;
        const string Scenario = "block, 1 series, Add(xs,ys) 4096, every point kept";
        double ratio = paired.Ratio;
        report.Add(new BenchRow(Scenario, "end-to-end rate, no --alert (median)", paired.Without, "points/s", Note: $"{Turns} runs of {settings.Seconds} s"));
        report.Add(new BenchRow(Scenario, $"end-to-end rate, {Rules.Length} --alert (median)", paired.With, "points/s", Note: $"{Turns} runs, in turns with the runs without; rules: {string.Join("; ", Rules)}"));
        report.Add(new BenchRow(Scenario, $"with {Rules.Length} --alert / without", ratio * 100, "%", ">= 80", ratio >= 0.8, $"median of the turns' ratios ({paired.Turns} %)"));
        report.Add(new BenchRow(Scenario, "alerts fired (all runs)", fired, "alerts", "0", fired == 0, "no rule may fire, or markers would be measured instead of the rules' tests"));
    }
}
