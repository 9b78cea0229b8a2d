using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PlotPipe.Viewer.Decimate;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// The binary "view" message a page draws from (see docs/page-protocol.md). Little-endian, every field at a
/// multiple of 8 bytes, so the page reads the columns with Float64Array views and copies nothing.
/// </summary>
internal static class ViewMessage
{
    /// <summary>First u32 of the message: says it is a view.</summary>
    public const uint Tag = 1;

    /// <summary>Bytes before the first series: tag, series count, x range, y range.</summary>
    public const int HeaderBytes = 40;

    /// <summary>Bytes of each series' own header: index, mode, a, b, points in view.</summary>
    public const int SeriesHeaderBytes = 24;

    /// <summary>Bytes the message for <paramref name="views"/> takes.</summary>
    public static long MeasureBytes(ReadOnlySpan<SeriesView> views)
    {
        long n = HeaderBytes;
        foreach (var v in views) n += SeriesHeaderBytes + BodyBytes(v);
        return n;
    }

    /// <summary>
    /// Writes the message into <paramref name="into"/> (at least <see cref="MeasureBytes"/> long): the resolved
    /// <paramref name="ranges"/>, then each view under the series index at the same position in <paramref name="seriesIndexes"/>.
    /// Returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> into, in DataBounds ranges, ReadOnlySpan<int> seriesIndexes, ReadOnlySpan<SeriesView> views)
    {
        if (seriesIndexes.Length != views.Length) throw new ArgumentException("one series index per view", nameof(seriesIndexes));
        BinaryPrimitives.WriteUInt32LittleEndian(into, Tag);
        BinaryPrimitives.WriteUInt32LittleEndian(into[4..], (uint)views.Length);
        BinaryPrimitives.WriteDoubleLittleEndian(into[8..], ranges.XMin);
        BinaryPrimitives.WriteDoubleLittleEndian(into[16..], ranges.XMax);
        BinaryPrimitives.WriteDoubleLittleEndian(into[24..], ranges.YMin);
        BinaryPrimitives.WriteDoubleLittleEndian(into[32..], ranges.YMax);
        int at = HeaderBytes;
        for (int i = 0; i < views.Length; i++)
        {
            var v = views[i];
            bool density = v.Mode == ViewMode.Density;
            var head = into[at..];
            BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)seriesIndexes[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)v.Mode);
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)(density ? v.DensityWidth : v.Count));
            BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(density ? v.DensityHeight : 0));
            BinaryPrimitives.WriteDoubleLittleEndian(head[16..], v.PointsInView);
            at += SeriesHeaderBytes;
            if (density)
            {
                int cells = v.DensityWidth * v.DensityHeight;
                WriteColumn(v.Density.AsSpan(0, cells), into[at..]);
                int bytes = (int)BodyBytes(v);
                into.Slice(at + cells * 4, bytes - cells * 4).Clear();
                at += bytes;
            }
            else
            {
                WriteColumn(v.Xs.AsSpan(0, v.Count), into[at..]);
                at += v.Count * 8;
                WriteColumn(v.Ys.AsSpan(0, v.Count), into[at..]);
                at += v.Count * 8;
            }
        }
        return at;
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
