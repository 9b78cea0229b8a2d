namespace PlotPipe.Viewer.Store;

/// <summary>
/// A block of 2^<see cref="Shift"/> points held as an x column and a y column, with per-block summaries so a query
/// can skip whole blocks. Written by ingest only; readers look at points below the count they took from a snapshot.
/// </summary>
internal sealed class ColumnChunk
{
    /// <summary>Shift of the smallest chunk: one group of 4,096 points, so block and group summaries still apply.</summary>
    public const int MinShift = 12;

    /// <summary>Shift of the largest (and default) chunk: 65,536 points, 1 MiB of columns.</summary>
    public const int MaxShift = 16;

    /// <summary>Points the largest chunk holds.</summary>
    public const int MaxCapacity = 1 << MaxShift;

    /// <summary>Points a summary block covers.</summary>
    public const int BlockPoints = 256;

    /// <summary>Blocks a group summary covers (a group is 4,096 points).</summary>
    public const int BlocksPerGroup = 16;

    /// <summary>Points a group summary covers.</summary>
    public const int GroupPoints = BlockPoints * BlocksPerGroup;

    // What one block's or group's summary costs: four doubles and five ints.
    private const int SummaryBytes = 4 * sizeof(double) + 5 * sizeof(int);

    // An array's header and length on a 64-bit runtime; 18 summary arrays and 2 columns carry one each.
    private const int ArrayOverheadBytes = 24;

    /// <summary>Creates a chunk of 2^<paramref name="shift"/> points.</summary>
    public ColumnChunk(int shift = MaxShift)
    {
        if (shift is < MinShift or > MaxShift)
            throw new ArgumentOutOfRangeException(nameof(shift), shift, $"a chunk's shift runs from {MinShift} to {MaxShift}");
        Shift = shift;
        int capacity = 1 << shift;
        int blocks = capacity / BlockPoints, groups = capacity / GroupPoints;
        X = GC.AllocateUninitializedArray<double>(capacity);
        Y = GC.AllocateUninitializedArray<double>(capacity);
        BlockXMin = new double[blocks];
        BlockXMax = new double[blocks];
        BlockYMin = new double[blocks];
        BlockYMax = new double[blocks];
        BlockYMinAt = new int[blocks];
        BlockYMaxAt = new int[blocks];
        BlockFirstGapAt = new int[blocks];
        BlockLastGapAt = new int[blocks];
        BlockNaNCount = new int[blocks];
        GroupXMin = new double[groups];
        GroupXMax = new double[groups];
        GroupYMin = new double[groups];
        GroupYMax = new double[groups];
        GroupYMinAt = new int[groups];
        GroupYMaxAt = new int[groups];
        GroupFirstGapAt = new int[groups];
        GroupLastGapAt = new int[groups];
        GroupNaNCount = new int[groups];
    }

    /// <summary>Point index i lives in chunk i &gt;&gt; Shift of its series.</summary>
    public int Shift { get; }

    /// <summary>Points this chunk holds.</summary>
    public int Capacity => 1 << Shift;

    /// <summary>Bytes a chunk of 2^<paramref name="shift"/> points allocates: columns, summaries and array headers.</summary>
    public static long BytesFor(int shift)
    {
        long capacity = 1L << shift;
        return capacity * 2 * sizeof(double)
            + (capacity / BlockPoints + capacity / GroupPoints) * SummaryBytes
            + 20 * ArrayOverheadBytes;
    }

    /// <summary>The x column.</summary>
    public readonly double[] X;

    /// <summary>The y column.</summary>
    public readonly double[] Y;

    /// <summary>Smallest x in each complete block (NaN-free; +inf for an all-NaN block).</summary>
    public readonly double[] BlockXMin ;

    /// <summary>Largest x in each complete block.</summary>
    public readonly double[] BlockXMax ;

    /// <summary>Smallest y in each complete block.</summary>
    public readonly double[] BlockYMin ;

    /// <summary>Largest y in each complete block.</summary>
    public readonly double[] BlockYMax ;

    /// <summary>Index within the chunk of each block's smallest y (-1 when the block has no finite y).</summary>
    public readonly int[] BlockYMinAt ;

    /// <summary>Index within the chunk of each block's largest y.</summary>
    public readonly int[] BlockYMaxAt ;

    /// <summary>Index within the chunk of each block's first NaN y, a gap in a line (-1 when none).</summary>
    public readonly int[] BlockFirstGapAt ;

    /// <summary>Index within the chunk of each block's last NaN y (-1 when none).</summary>
    public readonly int[] BlockLastGapAt ;

    /// <summary>Points of each complete block whose x or y is NaN, so a block inside a view can be counted unread.</summary>
    public readonly int[] BlockNaNCount ;

    // Group summaries merge 16 block summaries so a query over a long range reads one entry per 4,096 points;
    // they are valid once all 16 blocks of the group are complete.

    /// <summary>Smallest x in each complete group.</summary>
    public readonly double[] GroupXMin ;

    /// <summary>Largest x in each complete group.</summary>
    public readonly double[] GroupXMax ;

    /// <summary>Smallest y in each complete group.</summary>
    public readonly double[] GroupYMin ;

    /// <summary>Largest y in each complete group.</summary>
    public readonly double[] GroupYMax ;

    /// <summary>Index within the chunk of each group's smallest y (-1 when the group has no finite y).</summary>
    public readonly int[] GroupYMinAt ;

    /// <summary>Index within the chunk of each group's largest y.</summary>
    public readonly int[] GroupYMaxAt ;

    /// <summary>Index within the chunk of each group's first NaN y (-1 when none).</summary>
    public readonly int[] GroupFirstGapAt ;

    /// <summary>Index within the chunk of each group's last NaN y (-1 when none).</summary>
    public readonly int[] GroupLastGapAt ;

    /// <summary>Points of each complete group whose x or y is NaN.</summary>
    public readonly int[] GroupNaNCount ;

    /// <summary>Points written so far (only ingest changes it).</summary>
    internal int Count;

    /// <summary>When this chunk started taking points, in the store's arrival order (oldest is evicted first).</summary>
    internal long Arrival;

    /// <summary>Whether a series holds this chunk now; false once it is evicted or its series replaced.</summary>
    internal bool Held;

    /// <summary>Recomputes the summary of block <paramref name="block"/> from its points; called once it is full.</summary>
    internal void Summarize(int block)
    {
        int start = block * BlockPoints;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        int yMinAt = -1, yMaxAt = -1;
        int firstGap = -1, lastGap = -1, nanCount = 0;
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
            if (double.IsNaN(y))
            {
                if (firstGap < 0) firstGap = start + i;
                lastGap = start + i;
            }
            if (double.IsNaN(x) || double.IsNaN(y)) nanCount++;
        }
        BlockXMin[block] = xMin;
        BlockXMax[block] = xMax;
        BlockYMin[block] = yMin;
        BlockYMax[block] = yMax;
        BlockYMinAt[block] = yMinAt;
        BlockYMaxAt[block] = yMaxAt;
        BlockFirstGapAt[block] = firstGap;
        BlockLastGapAt[block] = lastGap;
        BlockNaNCount[block] = nanCount;
        if (block % BlocksPerGroup == BlocksPerGroup - 1) SummarizeGroup(block / BlocksPerGroup);
    }

    // Blocks are merged in index order with strict comparisons, so a tie keeps the first index, as within a block.
    private void SummarizeGroup(int group)
    {
        int first = group * BlocksPerGroup;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        int yMinAt = -1, yMaxAt = -1, firstGap = -1, lastGap = -1, nanCount = 0;
        for (int b = first; b < first + BlocksPerGroup; b++)
        {
            if (BlockXMin[b] < xMin) xMin = BlockXMin[b];
            if (BlockXMax[b] > xMax) xMax = BlockXMax[b];
            if (BlockYMin[b] < yMin) { yMin = BlockYMin[b]; yMinAt = BlockYMinAt[b]; }
            if (BlockYMax[b] > yMax) { yMax = BlockYMax[b]; yMaxAt = BlockYMaxAt[b]; }
            if (BlockFirstGapAt[b] >= 0)
            {
                if (firstGap < 0) firstGap = BlockFirstGapAt[b];
                lastGap = BlockLastGapAt[b];
            }
            nanCount += BlockNaNCount[b];
        }
        GroupXMin[group] = xMin;
        GroupXMax[group] = xMax;
        GroupYMin[group] = yMin;
        GroupYMax[group] = yMax;
        GroupYMinAt[group] = yMinAt;
        GroupYMaxAt[group] = yMaxAt;
        GroupFirstGapAt[group] = firstGap;
        GroupLastGapAt[group] = lastGap;
        GroupNaNCount[group] = nanCount;
    }
}
