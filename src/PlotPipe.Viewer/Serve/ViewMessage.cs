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

    /// <summary>Bytes the message for the answer of <paramref name="query"/> takes.</summary>
    public static long MeasureBytes(PlotQuery query)
    {
        long n = HeaderBytes;
        for (int p = 0; p < query.PanelCount; p++)
        {
            var panel = query.Panel(p);
            n += PanelHeaderBytes;
            for (int k = 0; k < panel.SeriesCount; k++) n += SeriesHeaderBytes + BodyBytes(panel.ViewAt(k));
        }
        return n;
    }

    /// <summary>
    /// Writes the message for the answer of <paramref name="query"/> into <paramref name="into"/> (at least
    /// <see cref="MeasureBytes"/> long): each panel's resolved ranges, then its series' views. Returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> into, PlotQuery query)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(into, Tag);
        BinaryPrimitives.WriteUInt32LittleEndian(into[4..], (uint)query.PanelCount);
        int at = HeaderBytes;
        for (int p = 0; p < query.PanelCount; p++)
        {
            var panel = query.Panel(p);
            var ranges = panel.Ranges;
            var head = into[at..];
            BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)panel.Id);
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)panel.SeriesCount);
            BinaryPrimitives.WriteDoubleLittleEndian(head[8..], ranges.XMin);
            BinaryPrimitives.WriteDoubleLittleEndian(head[16..], ranges.XMax);
            BinaryPrimitives.WriteDoubleLittleEndian(head[24..], ranges.YMin);
            BinaryPrimitives.WriteDoubleLittleEndian(head[32..], ranges.YMax);
            at += PanelHeaderBytes;
            for (int k = 0; k < panel.SeriesCount; k++) at = WriteSeries(into, at, panel.SeriesIndexAt(k), panel.ViewAt(k));
        }
        return at;
    }

    private static int WriteSeries(Span<byte> into, int at, int seriesIndex, SeriesView v)
    {
        bool density = v.Mode == ViewMode.Density;
        var head = into[at..];
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)seriesIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)v.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)(density ? v.DensityWidth : v.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(density ? v.DensityHeight : 0));
        BinaryPrimitives.WriteDoubleLittleEndian(head[16..], v.PointsInView);
        BinaryPrimitives.WriteDoubleLittleEndian(head[24..], v.NotShown);
        at += SeriesHeaderBytes;
        if (density)
        {
            int cells = v.DensityWidth * v.DensityHeight;
            WriteColumn(v.Density.AsSpan(0, cells), into[at..]);
            int bytes = (int)BodyBytes(v);
            into.Slice(at + cells * 4, bytes - cells * 4).Clear();
            return at + bytes;
        }
        WriteColumn(v.Xs.AsSpan(0, v.Count), into[at..]);
        at += v.Count * 8;
        WriteColumn(v.Ys.AsSpan(0, v.Count), into[at..]);
        return at + v.Count * 8;
    }

    private static long BodyBytes(SeriesView v) =>
        v.Mode == ViewMode.Density ? ((4L * v.DensityWidth * v.DensityHeight) + 7) & ~7L : 16L * v.Count;

    private static void WriteColumn(ReadOnlySpan<double> column, Span<byte> into)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(column).CopyTo(into);
            return;
        }
        for (int i = 0; i < column.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(into[(i * 8)..], column[i]);
    }

    private static void WriteColumn(ReadOnlySpan<uint> column, Span<byte> into)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(column).CopyTo(into);
            return;
        }
        for (int i = 0; i < column.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(into[(i * 4)..], column[i]);
    }
}
