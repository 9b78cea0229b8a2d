using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// Durations in Stopwatch ticks, counted into preallocated 1-tick buckets up to a limit (slower ones are kept
/// in an overflow list), so recording in a hot loop allocates nothing.
/// </summary>
internal sealed class LatencyHistogram
{
    private readonly long[] _buckets;
    private readonly List<long> _overflow = new(1024);
    private long _count;
    private long _max;

    public LatencyHistogram(long limitTicks) => _buckets = new long[limitTicks];

    public long Count => _count;

    public void Record(long ticks)
    {
        if (ticks < 0) ticks = 0;
        if (ticks < _buckets.Length) _buckets[ticks]++;
        else _overflow.Add(ticks);
        _count++;
        if (ticks > _max) _max = ticks;
    }

    /// <summary>The duration below which <paramref name="fraction"/> of the samples fall, in microseconds.</summary>
    public double PercentileUs(double fraction)
    {
        if (_count == 0) return double.NaN;
        long rank = Math.Max(1, (long)Math.Ceiling(fraction * _count));
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank) return ToUs(i);
        }
        _overflow.Sort();
        return ToUs(_overflow[(int)Math.Min(_overflow.Count - 1, rank - seen - 1)]);
    }

    public double MaxUs => ToUs(_max);

    public static double ToUs(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
