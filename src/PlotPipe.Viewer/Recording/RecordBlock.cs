using System.Buffers;
using System.Runtime.InteropServices;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// One record batch being filled: the three columns as the bytes they are written from, so a batch goes to disk with
/// no copy, and when its first and last rows arrived. Preallocated and reused; filled by ingest under the recorder's
/// lock, then handed to the writer.
/// </summary>
internal sealed class RecordBlock
{
    /// <summary>Creates an empty block of <paramref name="capacity"/> rows.</summary>
    public RecordBlock(int capacity)
    {
        Capacity = capacity;
        // Only the rows filled are ever written, so the arrays need not be zeroed: a block made while the writer
        // falls behind costs no 1.3 MB clear on the ingest thread.
        Series = GC.AllocateUninitializedArray<byte>(capacity * 4);
        X = GC.AllocateUninitializedArray<byte>(capacity * 8);
        Y = GC.AllocateUninitializedArray<byte>(capacity * 8);
    }

    /// <summary>Rows it can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows it holds; set to 0 to empty it for reuse.</summary>
    public int Count { get; set; }

    /// <summary>Room left.</summary>
    public int Room => Capacity - Count;

    /// <summary>Dictionary indices of the rows' series, int32 little-endian.</summary>
    public byte[] Series { get; }

    /// <summary>x of the rows, float64 little-endian.</summary>
    public byte[] X { get; }

    /// <summary>y of the rows, float64 little-endian.</summary>
    public byte[] Y { get; }

    /// <summary>When the viewer received the first row, microseconds since the Unix epoch (0: unknown).</summary>
    public long FirstReceivedMicros { get; private set; }

    /// <summary>When the viewer received the last row, microseconds since the Unix epoch (0: unknown).</summary>
    public long LastReceivedMicros { get; private set; }

    /// <summary>Appends <paramref name="n"/> rows of one series from a Points frame's column bytes.</summary>
    public void Append(int series, in ReadOnlySequence<byte> xBytes, in ReadOnlySequence<byte> yBytes, int n, long receivedMicros)
    {
        Frame.CopyColumn(xBytes, MemoryMarshal.Cast<byte, double>(X.AsSpan(Count * 8, n * 8)));
        Frame.CopyColumn(yBytes, MemoryMarshal.Cast<byte, double>(Y.AsSpan(Count * 8, n * 8)));
        Fill(series, n, receivedMicros);
    }

    /// <summary>Appends rows of one series from columns.</summary>
    public void Append(int series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, long receivedMicros)
    {
        xs.CopyTo(MemoryMarshal.Cast<byte, double>(X.AsSpan(Count * 8, xs.Length * 8)));
        ys.CopyTo(MemoryMarshal.Cast<byte, double>(Y.AsSpan(Count * 8, ys.Length * 8)));
        Fill(series, xs.Length, receivedMicros);
    }

    private void Fill(int series, int n, long receivedMicros)
    {
        MemoryMarshal.Cast<byte, int>(Series.AsSpan(Count * 4, n * 4)).Fill(series);
        if (Count == 0) FirstReceivedMicros = receivedMicros;
        LastReceivedMicros = receivedMicros;
        Count += n;
    }
}
