using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// Where ingest hands the points each series receives: the store keeps them (<see cref="StoreSink"/>), a recording
/// writes them, and Hosting composes the two (<see cref="TeeSink"/>), so neither knows of the other. Called by one
/// ingest at a time per series, on its hot path: an implementation allocates nothing and never throws for a full or
/// failing target of its own.
/// </summary>
internal interface IPointSink
{
    /// <summary>Takes a Points frame's columns for <paramref name="series"/>.</summary>
    void Append(SeriesStore series, in Frame frame);

    /// <summary>Takes points given as columns of equal length for <paramref name="series"/> (text input, an opened recording).</summary>
    void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys);

    /// <summary>
    /// Completes once the sink can take up to <paramref name="points"/> more points without holding the caller's thread:
    /// at once for a sink that never waits; a recording whose queue is full completes it when its writer frees a batch.
    /// Ingest awaits it before handing over what it read, so a producer held back by a slow disk holds no thread.
    /// </summary>
    ValueTask WaitForRoomAsync(long points, CancellationToken cancel) => ValueTask.CompletedTask;
}
