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

    /// <summary>Blocks a group summary covers (a group is 4,096 points).</summary>
    public const int BlocksPerGroup = 16;

    /// <summary>Points a group summary covers.</summary>
    public const int GroupPoints = BlockPoints * BlocksPerGroup;

    /// <summary>Group summaries per chunk.</summary>
    public const int GroupsPerChunk = Capacity / GroupPoints;

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

    /// <summary>Index within the chunk of each block's first NaN y, a gap in a line (-1 when none).</summary>
    public readonly int[] BlockFirstGapAt = new int[BlocksPerChunk];

    /// <summary>Index within the chunk of each block's last NaN y (-1 when none).</summary>
    public readonly int[] BlockLastGapAt = new int[BlocksPerChunk];

    /// <summary>Points of each complete block whose x or y is NaN, so a block inside a view can be counted unread.</summary>
    public readonly int[] BlockNaNCount = new int[BlocksPerChunk];

    // Group summaries merge 16 block summaries so a query over a long range reads one entry per 4,096 points;
    // they are valid once all 16 blocks of the group are complete.

    /// <summary>Smallest x in each complete group.</summary>
    public readonly double[] GroupXMin = new double[GroupsPerChunk];

    /// <summary>Largest x in each complete group.</summary>
    public readonly double[] GroupXMax = new double[GroupsPerChunk];

    /// <summary>Smallest y in each complete group.</summary>
    public readonly double[] GroupYMin = new double[GroupsPerChunk];

    /// <summary>Largest y in each complete group.</summary>
    public readonly double[] GroupYMax = new double[GroupsPerChunk];

    /// <summary>Index within the chunk of each group's smallest y (-1 when the group has no finite y).</summary>
    public readonly int[] GroupYMinAt = new int[GroupsPerChunk];

    /// <summary>Index within the chunk of each group's largest y.</summary>
    public readonly int[] GroupYMaxAt = new int[GroupsPerChunk];

    /// <summary>Index within the chunk of each group's first NaN y (-1 when none).</summary>
    public readonly int[] GroupFirstGapAt = new int[GroupsPerChunk];

    /// <summary>Index within the chunk of each group's last NaN y (-1 when none).</summary>
    public readonly int[] GroupLastGapAt = new int[GroupsPerChunk];

    /// <summary>Points of each complete group whose x or y is NaN.</summary>
    public readonly int[] GroupNaNCount = new int[GroupsPerChunk];

    /// <summary>Points written so far (only ingest changes it).</summary>
    internal int Count;

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
