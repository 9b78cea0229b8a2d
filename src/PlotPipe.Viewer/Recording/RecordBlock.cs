using System.Buffers;
using System.Runtime.InteropServices;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// One record batch being filled: the three columns as the bytes they are written from, so a batch goes to disk with
/// no copy, and when its first and last rows arrived. Preallocated and reused; filled by ingest under the recorder's
/// lock, then handed to the writer. The columns lie in one pinned array, each on a page boundary
/// (<see cref="DirectAlignment"/>), so a full block can be written past the page cache (<see cref="RecordTarget.OpenDirect"/>).
/// </summary>
internal sealed class RecordBlock
{
    /// <summary>The boundary a buffer, a file offset and a length must keep to be written past the page cache.</summary>
    public const int DirectAlignment = 4096;

    private readonly byte[] _bytes;
    private readonly int _series, _x, _y;

    /// <summary>Creates an empty block of <paramref name="capacity"/> rows.</summary>
    public RecordBlock(int capacity)
    {
        Capacity = capacity;
        int series = Align(capacity * 4), column = Align(capacity * 8);
        // Only the rows filled are ever written, so the array need not be zeroed: a block made while the writer
        // falls behind costs no 1.3 MB clear on the ingest thread.
        (_bytes, _series) = PageAligned(series + 2 * column);
        _x = _series + series;
        _y = _x + column;
        FillsPages = capacity * 4 % DirectAlignment == 0;
    }

    /// <summary>Rows it can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows it holds; set to 0 to empty it for reuse.</summary>
    public int Count { get; set; }

    /// <summary>Room left.</summary>
    public int Room => Capacity - Count;

    /// <summary>Whether, full, its three columns are whole pages each, so it can be written past the page cache.</summary>
    public bool FillsPages { get; }

    /// <summary>Dictionary indices of the rows' series, int32 little-endian.</summary>
    public Memory<byte> Series => _bytes.AsMemory(_series, Capacity * 4);

    /// <summary>x of the rows, float64 little-endian.</summary>
    public Memory<byte> X => _bytes.AsMemory(_x, Capacity * 8);

    /// <summary>y of the rows, float64 little-endian.</summary>
    public Memory<byte> Y => _bytes.AsMemory(_y, Capacity * 8);

    /// <summary>When the viewer received the first row, microseconds since the Unix epoch (0: unknown).</summary>
    public long FirstReceivedMicros { get; private set; }

    /// <summary>When the viewer received the last row, microseconds since the Unix epoch (0: unknown).</summary>
    public long LastReceivedMicros { get; private set; }

    /// <summary>Appends <paramref name="n"/> rows of one series from a Points frame's column bytes.</summary>
    public void Append(int series, in ReadOnlySequence<byte> xBytes, in ReadOnlySequence<byte> yBytes, int n, long receivedMicros)
    {
        Frame.CopyColumn(xBytes, MemoryMarshal.Cast<byte, double>(_bytes.AsSpan(_x + Count * 8, n * 8)));
        Frame.CopyColumn(yBytes, MemoryMarshal.Cast<byte, double>(_bytes.AsSpan(_y + Count * 8, n * 8)));
        Fill(series, n, receivedMicros);
    }

    /// <summary>Appends rows of one series from columns.</summary>
    public void Append(int series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, long receivedMicros)
    {
        xs.CopyTo(MemoryMarshal.Cast<byte, double>(_bytes.AsSpan(_x + Count * 8, xs.Length * 8)));
        ys.CopyTo(MemoryMarshal.Cast<byte, double>(_bytes.AsSpan(_y + Count * 8, ys.Length * 8)));
        Fill(series, xs.Length, receivedMicros);
    }

    /// <summary>
    /// An uninitialized pinned array with at least <paramref name="length"/> bytes from <c>Start</c>, a page boundary
    /// (<see cref="DirectAlignment"/>); pinned, so that boundary stays put.
    /// </summary>
    public static (byte[] Bytes, int Start) PageAligned(int length)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(Align(length) + DirectAlignment, pinned: true);
        return (bytes, (int)(-Marshal.UnsafeAddrOfPinnedArrayElement(bytes, 0) & (DirectAlignment - 1)));
    }

    private static int Align(int length) => (length + DirectAlignment - 1) & -DirectAlignment;

    private void Fill(int series, int n, long receivedMicros)
    {
        MemoryMarshal.Cast<byte, int>(_bytes.AsSpan(_series + Count * 4, n * 4)).Fill(series);
        if (Count == 0) FirstReceivedMicros = receivedMicros;
        LastReceivedMicros = receivedMicros;
        Count += n;
    }
}
