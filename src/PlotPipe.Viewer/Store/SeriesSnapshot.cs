namespace PlotPipe.Viewer.Store;

/// <summary>
/// A consistent view of one series' points at one moment: chunks and a count that later appends never change.
/// Point i lives in <c>Chunks[i / ColumnChunk.Capacity]</c> at <c>i % ColumnChunk.Capacity</c>.
/// </summary>
public readonly struct SeriesSnapshot
{
    /// <summary>Wraps chunks and the number of points visible in them.</summary>
    public SeriesSnapshot(ColumnChunk[] chunks, long count)
    {
        Chunks = chunks;
        Count = count;
    }

    /// <summary>The chunks, oldest first; only the first <c>ceil(Count / Capacity)</c> are used.</summary>
    public ColumnChunk[] Chunks { get; }

    /// <summary>Points visible in this snapshot.</summary>
    public long Count { get; }

    /// <summary>The x of point <paramref name="i"/>.</summary>
    public double X(long i) => Chunks[(int)(i >> 16)].X[(int)(i & (ColumnChunk.Capacity - 1))];

    /// <summary>The y of point <paramref name="i"/>.</summary>
    public double Y(long i) => Chunks[(int)(i >> 16)].Y[(int)(i & (ColumnChunk.Capacity - 1))];

    /// <summary>Points of chunk <paramref name="chunk"/> that this snapshot sees.</summary>
    public int CountIn(int chunk) => (int)Math.Min(ColumnChunk.Capacity, Count - ((long)chunk << 16));

    /// <summary>Chunks this snapshot sees.</summary>
    public int ChunkCount => (int)((Count + ColumnChunk.Capacity - 1) >> 16);
}
