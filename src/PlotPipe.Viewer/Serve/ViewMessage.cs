using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// The binary "view" message a page draws from (see docs/page-protocol.md). Little-endian, every field at a
/// multiple of 8 bytes, so the page reads the columns with Float64Array views and copies nothing.
/// </summary>
internal static class ViewMessage
{
    /// <summary>First u32 of the message: says it is a view, laid out per panel.</summary>
    public const uint Tag = 2;

    /// <summary>Bytes before the first panel: tag, panel count.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Bytes of each panel's own header: id, series count, x range, y range.</summary>
    public const int PanelHeaderBytes = 40;

    /// <summary>Bytes of each series' own header: index, mode, a, b, points in view, points not shown.</summary>
    public const int SeriesHeaderBytes = 32;

    /// <summary>Set in a series block's index: the block is the smoothed curve of the series with the other bits' index.</summary>
    public const uint SmoothedBit = 0x8000_0000;

    /// <summary>A series block's mode for points as float32 offsets from two float64 bases (a page that asked, <c>"coords":"f32"</c>).</summary>
    public const uint Float32Points = 2;

    // Offsets past this are not sent as float32 (its largest is 3.4e38): the series goes as float64.
    private const double Float32Reach = 1e38;

    /// <summary>Bytes the message for the answer of <paramref name="query"/> takes; <paramref name="float32"/>: points as float32 offsets where they fit.</summary>
    public static long MeasureBytes(PlotQuery query, bool float32 = false)
    {
        long n = HeaderBytes;
        for (int p = 0; p < query.PanelCount; p++)
        {
            var panel = query.Panel(p);
            var bases = Bases(panel.Ranges, float32);
            n += PanelHeaderBytes;
            for (int k = 0; k < panel.SeriesCount; k++) n += SeriesHeaderBytes + BodyBytes(panel.ViewAt(k), bases);
            for (int k = 0; k < panel.SmoothedCount; k++) n += SeriesHeaderBytes + BodyBytes(panel.SmoothedAt(k), bases);
        }
        return n;
    }

    /// <summary>
    /// Writes the message for the answer of <paramref name="query"/> into <paramref name="into"/> (at least
    /// <see cref="MeasureBytes"/> long): each panel's resolved ranges, then its series' views. Returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> into, PlotQuery query, bool float32 = false) => WritePart(into, 0, query, float32);

    /// <summary>
    /// Writes the bytes of the message from <paramref name="offset"/> on into <paramref name="into"/>, as many as fit,
    /// so a large view goes out in pieces through one small buffer instead of being copied whole. Returns the bytes
    /// written: <paramref name="into"/>'s length, or fewer at the message's end. With <paramref name="float32"/>, a
    /// series' points go as float32 offsets from whole-number bases at or below the panel's ranges (mode
    /// <see cref="Float32Points"/>), half the bytes, wherever every offset fits.
    /// </summary>
    public static int WritePart(Span<byte> into, long offset, PlotQuery query, bool float32 = false)
    {
        var part = new Part(into, offset);
        Span<byte> head = stackalloc byte[PanelHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(head, Tag);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)query.PanelCount);
        part.Put(head[..HeaderBytes]);
        for (int p = 0; p < query.PanelCount && !part.Full; p++)
        {
            var panel = query.Panel(p);
            var ranges = panel.Ranges;
            BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)panel.Id);
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)(panel.SeriesCount + panel.SmoothedCount));
            BinaryPrimitives.WriteDoubleLittleEndian(head[8..], ranges.XMin);
            BinaryPrimitives.WriteDoubleLittleEndian(head[16..], ranges.XMax);
            BinaryPrimitives.WriteDoubleLittleEndian(head[24..], ranges.YMin);
            BinaryPrimitives.WriteDoubleLittleEndian(head[32..], ranges.YMax);
            part.Put(head);
            var bases = Bases(ranges, float32);
            for (int k = 0; k < panel.SeriesCount && !part.Full; k++) PutSeries(ref part, head, panel.SeriesIndexAt(k), panel.ViewAt(k), bases);
            // A smoothed curve goes after the raw views, as a series whose index has the top bit set.
            for (int k = 0; k < panel.SmoothedCount && !part.Full; k++) PutSeries(ref part, head, (int)(SmoothedBit | (uint)panel.SmoothedIndexAt(k)), panel.SmoothedAt(k), bases);
        }
        return part.Written;
    }

    // The bases a panel's float32 offsets are taken from: the whole numbers at or below its ranges' low ends, so the
    // points in view are offsets under the view's span (float32's 24 bits then place them far inside a pixel) and a
    // whole-number x stays whole; null when float64 is asked for or a range is not finite.
    private static (double X, double Y)? Bases(in DataBounds ranges, bool float32) =>
        float32 && double.IsFinite(ranges.XMin) && double.IsFinite(ranges.YMin) ? (Math.Floor(ranges.XMin), Math.Floor(ranges.YMin)) : null;

    // Whether every finite point of the view is within float32's reach of the bases.
    private static bool Fits(SeriesView v, (double X, double Y)? bases)
    {
        if (bases is not { } b || v.Mode != ViewMode.Points) return false;
        for (int i = 0; i < v.Count; i++)
        {
            if (Math.Abs(v.Xs[i] - b.X) > Float32Reach || Math.Abs(v.Ys[i] - b.Y) > Float32Reach) return false;
        }
        return true;
    }

    private static void PutSeries(ref Part part, scoped Span<byte> head, int seriesIndex, SeriesView v, (double X, double Y)? bases)
    {
        bool density = v.Mode == ViewMode.Density;
        bool relative = Fits(v, bases);
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)seriesIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], relative ? Float32Points : (uint)v.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)(density ? v.DensityWidth : v.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(density ? v.DensityHeight : 0));
        BinaryPrimitives.WriteDoubleLittleEndian(head[16..], v.PointsInView);
        BinaryPrimitives.WriteDoubleLittleEndian(head[24..], v.NotShown);
        part.Put(head[..SeriesHeaderBytes]);
        if (density)
        {
            int cells = v.DensityWidth * v.DensityHeight;
            part.Put(v.Density.AsSpan(0, cells));
            head[..8].Clear();
            part.Put(head[..(int)(BodyBytes(v, null) - 4L * cells)]);
            return;
        }
        if (relative)
        {
            var (bx, by) = bases!.Value;
            BinaryPrimitives.WriteDoubleLittleEndian(head, bx);
            BinaryPrimitives.WriteDoubleLittleEndian(head[8..], by);
            part.Put(head[..16]);
            part.PutOffsets(v.Xs.AsSpan(0, v.Count), bx);
            part.PutOffsets(v.Ys.AsSpan(0, v.Count), by);
            return;
        }
        part.Put(v.Xs.AsSpan(0, v.Count));
        part.Put(v.Ys.AsSpan(0, v.Count));
    }

    private static long BodyBytes(SeriesView v, (double X, double Y)? bases) =>
        v.Mode == ViewMode.Density ? ((4L * v.DensityWidth * v.DensityHeight) + 7) & ~7L
        : Fits(v, bases) ? 16 + 8L * v.Count
        : 16L * v.Count;

    /// <summary>
    /// The window [offset, offset + length) of the message being written: blocks are offered in message order and
    /// only their bytes inside the window are copied, so what lies before costs a length check.
    /// </summary>
    private ref struct Part(Span<byte> into, long offset)
    {
        private readonly Span<byte> _into = into;
        private readonly long _offset = offset;
        private long _at;

        public int Written { get; private set; }

        public readonly bool Full => _at >= _offset + _into.Length;

        public void Put(scoped ReadOnlySpan<byte> block)
        {
            long end = _at + block.Length;
            if (end > _offset && !Full)
            {
                int from = (int)Math.Max(0, _offset - _at);
                int to = (int)Math.Min(block.Length, _offset + _into.Length - _at);
                block[from..to].CopyTo(_into[(int)(_at + from - _offset)..]);
                Written = (int)(_at + to - _offset);
            }
            _at = end;
        }

        public void Put(scoped ReadOnlySpan<double> column)
        {
            if (BitConverter.IsLittleEndian || Full || _at + 8L * column.Length <= _offset)
            {
                if (BitConverter.IsLittleEndian) Put(MemoryMarshal.AsBytes(column));
                else _at += 8L * column.Length;
                return;
            }
            Span<byte> one = stackalloc byte[8];
            foreach (double d in column)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(one, d);
                Put(one);
            }
        }

        /// <summary>
        /// Each value less <paramref name="origin"/>, as float32: only those inside the window are converted, a batch at
        /// a time into a stack buffer that <see cref="Put(ReadOnlySpan{byte})"/> places.
        /// </summary>
        public void PutOffsets(scoped ReadOnlySpan<double> column, double origin)
        {
            long end = _at + 4L * column.Length;
            int first = (int)Math.Clamp((_offset - _at) / 4, 0, column.Length);
            _at += 4L * first;
            Span<byte> batch = stackalloc byte[1024];
            for (int i = first; i < column.Length && !Full;)
            {
                int n = Math.Min(batch.Length / 4, column.Length - i);
                for (int j = 0; j < n; j++) BinaryPrimitives.WriteSingleLittleEndian(batch[(4 * j)..], (float)(column[i + j] - origin));
                Put(batch[..(4 * n)]);
                i += n;
            }
            _at = end;
        }

        public void Put(scoped ReadOnlySpan<uint> column)
        {
            if (BitConverter.IsLittleEndian || Full || _at + 4L * column.Length <= _offset)
            {
                if (BitConverter.IsLittleEndian) Put(MemoryMarshal.AsBytes(column));
                else _at += 4L * column.Length;
                return;
            }
            Span<byte> one = stackalloc byte[4];
            foreach (uint c in column)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(one, c);
                Put(one);
            }
        }
    }
}
