using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>The store's own sink: appends the points to their series, which keeps them within its caps.</summary>
internal sealed class StoreSink : IPointSink
{
    private StoreSink()
    {
    }

    /// <summary>The one instance: it holds nothing of its own.</summary>
    public static StoreSink Instance { get; } = new();

    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame) => series.Append(frame);

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys) => series.Append(xs, ys);
}
