using System.Runtime.CompilerServices;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>The measured loop of the single-series Add benchmarks: one series, x rising by one, y = x / 2.</summary>
internal static class AddLoop
{
    /// <summary>Adds <paramref name="count"/> points from <paramref name="x"/> on and returns the next x; inlined, so the benchmark measures only the adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Ramp(Series series, double x, int count)
    {
        for (int i = 0; i < count; i++)
        {
            series.Add(x, x * 0.5);
            x += 1;
        }
        return x;
    }
}
