using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// The one walk over a series' group and block summaries, for every question asked of a run of points (scatter
/// views, bounds, counts, nearest, a line column's extremes, its first and last point): each group's summary is offered
/// first, then each block's, and only runs the visitor cannot answer from a summary are read point by point. Forward
/// over all points or a range, or backward over a range; a visitor may stop it. Generic over a struct visitor, so each
/// question compiles to its own loop.
/// </summary>
internal static class RunWalk
{
    private const int BlockPoints = ColumnChunk.BlockPoints;
    private const int GroupPoints = ColumnChunk.GroupPoints;

    /// <summary>Walks every point of <paramref name="s"/> through <paramref name="visitor"/>.</summary>
    public static void Walk<T>(in SeriesSnapshot s, ref T visitor) where T : struct, IRunVisitor => Walk(s, 0, s.Count, ref visitor);

    /// <summary>Walks points [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="s"/> in order, until the visitor is done.</summary>
    public static void Walk<T>(in SeriesSnapshot s, long from, long to, ref T visitor) where T : struct, IRunVisitor
    {
        long i = from;
        while (i < to && !visitor.Done)
        {
            int k = (int)(i >> s.Shift);
            var chunk = s.Chunks[k];
            long chunkStart = (long)k << s.Shift;
            int off = (int)(i - chunkStart);
            // `end` never passes the snapshot's count, so a block or group that fits before it was complete when the
            // snapshot was taken and its summary is written; later appends only touch what lies beyond.
            int end = (int)Math.Min(to - chunkStart, s.CountIn(k));
            while (off < end && !visitor.Done)
            {
                if ((off & (GroupPoints - 1)) == 0 && off + GroupPoints <= end
                    && visitor.Answer(chunk.Groups[off / GroupPoints], chunk, chunkStart, off, GroupPoints))
                {
                    off += GroupPoints;
                    continue;
                }
                if ((off & (BlockPoints - 1)) == 0 && off + BlockPoints <= end)
                {
                    if (!visitor.Answer(chunk.Blocks[off / BlockPoints], chunk, chunkStart, off, BlockPoints))
                        visitor.Scan(chunk, chunkStart, off, off + BlockPoints);
                    off += BlockPoints;
                    continue;
                }
                // Only whole blocks have summaries: the rest is read up to the next block's start.
                int stop = Math.Min(end, (off | (BlockPoints - 1)) + 1);
                visitor.Scan(chunk, chunkStart, off, stop);
                off = stop;
            }
            i = chunkStart + end;
        }
    }

    /// <summary>Walks points [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="s"/> from the last back, until the visitor is done.</summary>
    public static void WalkBack<T>(in SeriesSnapshot s, long from, long to, ref T visitor) where T : struct, IRunVisitor
    {
        long i = to;
        while (i > from && !visitor.Done)
        {
            int k = (int)((i - 1) >> s.Shift);
            var chunk = s.Chunks[k];
            long chunkStart = (long)k << s.Shift;
            int off = (int)(i - chunkStart);
            int start = (int)Math.Max(from - chunkStart, 0);
            while (off > start && !visitor.Done)
            {
                if ((off & (GroupPoints - 1)) == 0 && off - GroupPoints >= start
                    && visitor.Answer(chunk.Groups[off / GroupPoints - 1], chunk, chunkStart, off - GroupPoints, GroupPoints))
                {
                    off -= GroupPoints;
                    continue;
                }
                if ((off & (BlockPoints - 1)) == 0 && off - BlockPoints >= start)
                {
                    if (!visitor.Answer(chunk.Blocks[off / BlockPoints - 1], chunk, chunkStart, off - BlockPoints, BlockPoints))
                        visitor.Scan(chunk, chunkStart, off - BlockPoints, off);
                    off -= BlockPoints;
                    continue;
                }
                int stop = Math.Max(start, (off - 1) & ~(BlockPoints - 1));
                visitor.Scan(chunk, chunkStart, stop, off);
                off = stop;
            }
            i = chunkStart + start;
        }
    }
}

/// <summary>A question <see cref="RunWalk"/> asks of every run of points.</summary>
internal interface IRunVisitor
{
    /// <summary>
    /// Answers for the run of <paramref name="count"/> points from <paramref name="from"/> in <paramref name="chunk"/>
    /// (whose first point has series index <paramref name="chunkStart"/>) from its summary (skipping it, or taking it
    /// whole) and returns true, or returns false to have it read closer.
    /// </summary>
    bool Answer(in ChunkSummary run, ColumnChunk chunk, long chunkStart, int from, int count);

    /// <summary>
    /// Takes points [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="chunk"/> (at most a block), whose
    /// first point has series index <paramref name="chunkStart"/>; read them with <see cref="ColumnChunk.Xs"/> and <see cref="ColumnChunk.Ys"/>.
    /// </summary>
    void Scan(ColumnChunk chunk, long chunkStart, int from, int to);

    /// <summary>Whether the visitor has its answer, so the walk stops.</summary>
    bool Done { get; }
}
