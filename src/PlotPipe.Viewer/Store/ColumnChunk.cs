namespace PlotPipe.Viewer.Store;

/// <summary>
/// A fixed block of points held as an x column and a y column, with per-block summaries so a query can skip
/// whole blocks. Written by ingest only; readers look at points below the count they took from a snapshot.
/// </summary>
public sealed class ColumnChunk
{
    /// <summary>Points a chunk holds (1 MiB of columns).</summary>
    public const int Capacity = 1 << 16;

    /// <summary>Points a summary block covers.</summary>
    public const int BlockPoints = 256;

    /// <summary>Summary blocks per chunk.</summary>
    public const int BlocksPerChunk = Capacity / BlockPoints;

    /// <summary>The x column.</summary>
    public readonly double[] X = GC.AllocateUninitializedArray<double>(Capacity);

    /// <summary>The y column.</summary>
    public readonly double[] Y = GC.AllocateUninitializedArray<double>(Capacity);

    /// <summary>Smallest x in each complete block (NaN-free; +inf for an all-NaN block).</summary>
    public readonly double[] BlockXMin = new double[BlocksPerChunk];

    /// <summary>Largest x in each complete block.</summary>
    public readonly double[] BlockXMax = new double[BlocksPerChunk];

    /// <summary>Smallest y in each complete block.</summary>
    public readonly double[] BlockYMin = new double[BlocksPerChunk];

    /// <summary>Largest y in each complete block.</summary>
    public readonly double[] BlockYMax = new double[BlocksPerChunk];

    /// <summary>Index within the chunk of each block's smallest y (-1 when the block has no finite y).</summary>
    public readonly int[] BlockYMinAt = new int[BlocksPerChunk];

    /// <summary>Index within the chunk of each block's largest y.</summary>
    public readonly int[] BlockYMaxAt = new int[BlocksPerChunk];

    /// <summary>Points written so far (only ingest changes it).</summary>
    internal int Count;

    /// <summary>Recomputes the summary of block <paramref name="block"/> from its points; called once it is full.</summary>
    internal void Summarize(int block)
    {
        int start = block * BlockPoints;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        int yMinAt = -1, yMaxAt = -1;
        var xs = X.AsSpan(start, BlockPoints);
        var ys = Y.AsSpan(start, BlockPoints);
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i], y = ys[i];
            // NaN compares false both ways, so NaNs never become a minimum or maximum.
            if (x < xMin) xMin = x;
            if (x > xMax) xMax = x;
            if (y < yMin) { yMin = y; yMinAt = start + i; }
            if (y > yMax) { yMax = y; yMaxAt = start + i; }
        }
        BlockXMin[block] = xMin;
        BlockXMax[block] = xMax;
        BlockYMin[block] = yMin;
        BlockYMax[block] = yMax;
        BlockYMinAt[block] = yMinAt;
        BlockYMaxAt[block] = yMaxAt;
    }
}
