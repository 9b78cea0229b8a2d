using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>Hands every point to two sinks in turn: the store first, then whatever records or forwards them.</summary>
internal sealed class TeeSink(IPointSink first, IPointSink second) : IPointSink
{
    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame)
    {
        first.Append(series, frame);
        second.Append(series, frame);
    }

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        first.Append(series, xs, ys);
        second.Append(series, xs, ys);
    }

    /// <inheritdoc/>
    public ValueTask WaitForRoomAsync(long points, CancellationToken cancel)
    {
        var waiting = first.WaitForRoomAsync(points, cancel);
        return waiting.IsCompletedSuccessfully ? second.WaitForRoomAsync(points, cancel) : BothAsync(waiting, points, cancel);
    }

    private async ValueTask BothAsync(ValueTask waiting, long points, CancellationToken cancel)
    {
        await waiting.ConfigureAwait(false);
        await second.WaitForRoomAsync(points, cancel).ConfigureAwait(false);
    }
}
