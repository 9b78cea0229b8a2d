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

    /// <summary>
    /// Options whose buffer does not grow: a writer that falls behind for a moment on a busy machine would otherwise
    /// make chunks inside the timed loop, which is a burst being absorbed, not the steady state measured here (the
    /// fast path is the same at any bound).
    /// </summary>
    public static LivePlotOptions FixedBuffer(WhenFull policy)
    {
        var options = new LivePlotOptions { WhenFull = policy };
        options.MaxBufferBytes = options.BufferPoints * 16L;
        return options;
    }
}
