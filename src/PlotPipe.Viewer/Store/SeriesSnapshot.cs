namespace PlotPipe.Viewer.Store;

/// <summary>
/// A consistent view of one series' points at one moment: chunks and a count that later appends never change.
/// Every chunk of a series holds 2^<see cref="Shift"/> points, so point i lives in <c>Chunks[i &gt;&gt; Shift]</c>
/// at <c>i &amp; Mask</c>.
/// </summary>
internal readonly struct SeriesSnapshot
{
    /// <summary>Wraps chunks of 2^<paramref name="shift"/> points and the number of points visible in them.</summary>
    public SeriesSnapshot(ColumnChunk[] chunks, long count, int shift = ColumnChunk.MaxShift)
    {
        Chunks = chunks;
        Count = count;
        Shift = shift;
    }

    /// <summary>The chunks, oldest first; only the first <see cref="ChunkCount"/> are used.</summary>
    public ColumnChunk[] Chunks { get; }

    /// <summary>Points visible in this snapshot.</summary>
    public long Count { get; }

    /// <summary>Log2 of the points a chunk of this series holds.</summary>
    public int Shift { get; }

    /// <summary>Points a chunk of this series holds.</summary>
    public int ChunkPoints => 1 << Shift;

    /// <summary>Masks a point index down to its place within its chunk.</summary>
    public int Mask => (1 << Shift) - 1;

    /// <summary>The x of point <paramref name="i"/>.</summary>
    public double X(long i) => Chunks[(int)(i >> Shift)].X((int)i & Mask);

    /// <summary>The y of point <paramref name="i"/>.</summary>
    public double Y(long i) => Chunks[(int)(i >> Shift)].Y((int)i & Mask);

    /// <summary>Points of chunk <paramref name="chunk"/> that this snapshot sees.</summary>
    public int CountIn(int chunk) => (int)Math.Min(ChunkPoints, Count - ((long)chunk << Shift));

    /// <summary>Chunks this snapshot sees.</summary>
    public int ChunkCount => (int)((Count + ChunkPoints - 1) >> Shift);
}
