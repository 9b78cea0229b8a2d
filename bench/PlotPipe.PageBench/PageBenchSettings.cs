using System.Globalization;

namespace PlotPipe.PageBench;

/// <summary>What one run measures; every field has a command-line switch of the same name.</summary>
internal sealed record PageBenchSettings
{
    /// <summary>Seconds of streaming in follow mode, after a one-second warm-up.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>Line series.</summary>
    public int Series { get; init; } = 10;

    /// <summary>Points each line series holds before streaming starts.</summary>
    public int Points { get; init; } = 1_000_000;

    /// <summary>Points per second over all series while streaming.</summary>
    public int Rate { get; init; } = 1_000_000;

    /// <summary>Gestures of each kind (wheel, pan, drag-zoom, double-click), done while streaming.</summary>
    public int Interactions { get; init; } = 10;

    /// <summary>Points of the scatter in the density-image phase; 0 skips it.</summary>
    public int ScatterPoints { get; init; } = 10_000_000;

    /// <summary>Seconds of streaming into the scatter.</summary>
    public double ScatterSeconds { get; init; } = 4;

    /// <summary>
    /// Points the naive draws go through (lines: split over the series). A million by default: Chromium's software raster
    /// takes several seconds per million stroked segments, so all 10^7 would take minutes.
    /// </summary>
    public int NaivePoints { get; init; } = 1_000_000;

    /// <summary>Times the naive all-points draw is repeated (the median is reported).</summary>
    public int BaselineRepeats { get; init; } = 3;

    /// <summary>Seconds of the add → pixels phase (stamped points at light load); 0 skips it.</summary>
    public double LatencySeconds { get; init; } = 10;

    /// <summary>
    /// Seconds the add → pixels phase streams before it times anything: the viewer, the producer and the page have
    /// just started, and their first seconds (code compiled to its faster tier, the browser's caches) are a start-up's.
    /// </summary>
    public double LatencyWarmUpSeconds { get; init; } = 3;

    /// <summary>Stamped points per second over all series in the add → pixels phase.</summary>
    public int LatencyRate { get; init; } = 1000;

    /// <summary>Line series in the add → pixels phase.</summary>
    public int LatencySeries { get; init; } = 1;

    /// <summary>A Chromium performance trace of the follow and gesture phases goes to this file (chrome://tracing, Perfetto); null: none.</summary>
    public string? Trace { get; init; }

    /// <summary>Time only the JavaScript of a redraw, leaving the canvas's raster out (as drawTimes does).</summary>
    public bool JsOnly { get; init; }

    /// <summary>Where to write the results as JSON, or null.</summary>
    public string? Json { get; init; }

    public int PageWidth { get; init; } = 1280;

    public int PageHeight { get; init; } = 800;

    /// <summary>Points each series gets per x-unit, so that x counts seconds of streaming.</summary>
    public double PointsPerXUnit => (double)Rate / Series;

    public static PageBenchSettings Parse(string[] args)
    {
        var s = new PageBenchSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
            s = args[i] switch
            {
                "--seconds" => s with { Seconds = Number() },
                "--series" => s with { Series = (int)Number() },
                "--points" => s with { Points = (int)Number() },
                "--rate" => s with { Rate = (int)Number() },
                "--interactions" => s with { Interactions = (int)Number() },
                "--scatter-points" => s with { ScatterPoints = (int)Number() },
                "--scatter-seconds" => s with { ScatterSeconds = Number() },
                "--naive-points" => s with { NaivePoints = (int)Number() },
                "--baseline-repeats" => s with { BaselineRepeats = (int)Number() },
                "--latency-seconds" => s with { LatencySeconds = Number() },
                "--latency-warm-up" => s with { LatencyWarmUpSeconds = Number() },
                "--latency-rate" => s with { LatencyRate = (int)Number() },
                "--latency-series" => s with { LatencySeries = (int)Number() },
                "--js-only" => s with { JsOnly = true },
                "--trace" => s with { Trace = Next() },
                "--json" => s with { Json = Next() },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }
        if (s.Seconds <= 0 || s.Series < 1 || s.Points < 1 || s.Rate < s.Series || s.Interactions < 0 || s.ScatterPoints < 0 || s.BaselineRepeats < 1 || s.NaivePoints < s.Series
            || s.LatencySeconds < 0 || s.LatencyWarmUpSeconds < 0 || s.LatencyRate < 1 || s.LatencySeries < 1)
            throw new ArgumentException($"options out of range\n{Usage}");
        return s;
    }

    public const string Usage =
        "usage: PlotPipe.PageBench [--seconds 10] [--series 10] [--points 1000000] [--rate 1000000] [--interactions 10]\n" +
        "                          [--scatter-points 10000000] [--scatter-seconds 4]\n" +
        "                          [--naive-points 1000000] [--baseline-repeats 3]\n" +
        "                          [--latency-seconds 10] [--latency-warm-up 3] [--latency-rate 1000] [--latency-series 1] [--js-only]\n" +
        "                          [--trace FILE] [--json FILE]";
}
