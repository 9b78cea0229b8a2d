namespace PlotPipe.Buffering;

/// <summary>A preallocated batch of points as x and y columns; filled by Add, sent whole, then reused.</summary>
internal sealed class PointChunk
{
    public readonly double[] X;
    public readonly double[] Y;
    public int Count;

    public PointChunk(int capacity)
    {
        X = GC.AllocateUninitializedArray<double>(capacity);
        Y = GC.AllocateUninitializedArray<double>(capacity);
    }

    public int Capacity => X.Length;
}
