namespace PlotPipe.PageBench;

/// <summary>Percentiles of a set of durations in milliseconds (nearest rank).</summary>
internal sealed record Stats(int Count, double P50, double P99, double Max, double Mean)
{
    public static readonly Stats Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Stats Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return Empty;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
