using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// The one walk over a series' group and block summaries for questions asked of points in any order (scatter views,
/// bounds, counts, nearest): each group's box is offered first, then each block's, and only runs the visitor cannot answer from a
/// box are read point by point. Generic over a struct visitor, so each question compiles to its own loop.
/// </summary>
internal static class RunWalk
{
    private const int BlockPoints = ColumnChunk.BlockPoints;
    private const int GroupPoints = ColumnChunk.GroupPoints;

    /// <summary>Walks every point of <paramref name="s"/> through <paramref name="visitor"/>.</summary>
    public static void Walk<T>(in SeriesSnapshot s, ref T visitor) where T : struct, IRunVisitor
    {
        int chunks = s.ChunkCount;
        for (int k = 0; k < chunks; k++)
        {
            var chunk = s.Chunks[k];
            long chunkStart = (long)k << s.Shift;
            int count = s.CountIn(k);
            // Only whole blocks have summaries; the tail after the last one is read point by point.
            int summarized = count / BlockPoints * BlockPoints;
            int off = 0;
            while (off < count)
            {
                if ((off & (GroupPoints - 1)) == 0 && off + GroupPoints <= summarized)
                {
                    int g = off / GroupPoints;
                    if (visitor.Answer(chunk.Groups[g], chunk, off, GroupPoints)) { off += GroupPoints; continue; }
                }
                if (off + BlockPoints <= summarized)
                {
                    int b = off / BlockPoints;
                    if (!visitor.Answer(chunk.Blocks[b], chunk, off, BlockPoints)) visitor.Scan(chunk, chunkStart, off, off + BlockPoints);
                    off += BlockPoints;
                    continue;
                }
                visitor.Scan(chunk, chunkStart, off, count);
                off = count;
            }
        }
    }
}

/// <summary>A question <see cref="RunWalk"/> asks of every run of points.</summary>
internal interface IRunVisitor
{
    /// <summary>
    /// Answers for the run of <paramref name="count"/> points from <paramref name="from"/> in <paramref name="chunk"/>
    /// from its box (skipping it, or taking it whole) and returns true, or returns false to have it read closer.
    /// </summary>
    bool Answer(in ChunkSummary run, ColumnChunk chunk, int from, int count);

    /// <summary>
    /// Takes points [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="chunk"/> (at most a block), whose
    /// first point has series index <paramref name="chunkStart"/>; read them with <see cref="ColumnChunk.Xs"/> and <see cref="ColumnChunk.Ys"/>.
    /// </summary>
    void Scan(ColumnChunk chunk, long chunkStart, int from, int to);
}
