using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>Reading a store back in tests.</summary>
internal static class StorePoints
{
    /// <summary>Every point <paramref name="series"/> holds, as x and y columns.</summary>
    public static (double[] X, double[] Y) Of(SeriesStore series)
    {
        var snapshot = series.Snapshot();
        var x = new double[snapshot.Count];
        var y = new double[snapshot.Count];
        for (long i = 0; i < snapshot.Count; i++) (x[i], y[i]) = (snapshot.X(i), snapshot.Y(i));
        return (x, y);
    }
}
