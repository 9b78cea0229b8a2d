using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>Encodes frames into any buffer writer (a PipeWriter, an ArrayBufferWriter); allocates nothing for points.</summary>
public static class FrameWriter
{
    /// <summary>Writes the 8-byte handshake that opens every stream.</summary>
    public static void WriteHandshake(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(ProtocolLimits.HandshakeBytes);
        ProtocolLimits.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], ProtocolLimits.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 0);
        writer.Advance(ProtocolLimits.HandshakeBytes);
    }

    /// <summary>Writes a DefineSeries frame; throws <see cref="ArgumentException"/> for a name or format the protocol cannot carry.</summary>
    public static void WriteDefineSeries(IBufferWriter<byte> writer, int seriesId, SeriesKind kind, string name, string format)
    {
        CheckSeriesId(seriesId);
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes is 0 or > ProtocolLimits.MaxNameBytes)
            throw new ArgumentException($"series name \"{name}\" is {nameBytes} UTF-8 bytes; names take 1 to {ProtocolLimits.MaxNameBytes}", nameof(name));
        if (format.Length > ProtocolLimits.MaxFormatBytes)
            throw new ArgumentException($"format string \"{format}\" is longer than {ProtocolLimits.MaxFormatBytes} characters", nameof(format));
        int used = ProtocolLimits.DefinePrefixBytes + nameBytes + format.Length;
        int payload = (used + 7) & ~7;
        var span = writer.GetSpan(ProtocolLimits.HeaderBytes + payload)[..(ProtocolLimits.HeaderBytes + payload)];
        span.Clear();
        WriteHeader(span, (uint)payload, FrameType.DefineSeries, seriesId);
        var p = span[ProtocolLimits.HeaderBytes..];
        p[0] = (byte)kind;
        p[1] = (byte)format.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(p[2..], (ushort)nameBytes);
        Encoding.UTF8.GetBytes(name, p[ProtocolLimits.DefinePrefixBytes..]);
        Encoding.ASCII.GetBytes(format, p[(ProtocolLimits.DefinePrefixBytes + nameBytes)..]);
        writer.Advance(span.Length);
    }

    /// <summary>Writes one Points frame: the x column then the y column, as little-endian doubles.</summary>
    public static void WritePoints(IBufferWriter<byte> writer, int seriesId, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        CheckSeriesId(seriesId);
        if (xs.Length != ys.Length)
            throw new ArgumentException($"xs has {xs.Length} values but ys has {ys.Length}; they must be equal", nameof(ys));
        if (xs.Length > ProtocolLimits.MaxPointsPerFrame)
            throw new ArgumentException($"{xs.Length} points exceed the {ProtocolLimits.MaxPointsPerFrame} a frame can carry", nameof(xs));
        int n = xs.Length;
        var head = writer.GetSpan(ProtocolLimits.HeaderBytes + ProtocolLimits.PointsPrefixBytes);
        WriteHeader(head, (uint)(ProtocolLimits.PointsPrefixBytes + 16 * n), FrameType.Points, seriesId);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)n);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], 0);
        writer.Advance(ProtocolLimits.HeaderBytes + ProtocolLimits.PointsPrefixBytes);
        WriteColumn(writer, xs);
        WriteColumn(writer, ys);
    }

    /// <summary>Writes a Dropped frame with the running total of points the producer dropped for a series.</summary>
    public static void WriteDropped(IBufferWriter<byte> writer, int seriesId, long droppedTotal)
    {
        CheckSeriesId(seriesId);
        var span = writer.GetSpan(16);
        WriteHeader(span, 8, FrameType.Dropped, seriesId);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], droppedTotal);
        writer.Advance(16);
    }

    /// <summary>Writes the Finish frame: the stream is complete.</summary>
    public static void WriteFinish(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(ProtocolLimits.HeaderBytes);
        WriteHeader(span, 0, FrameType.Finish, 0);
        writer.Advance(ProtocolLimits.HeaderBytes);
    }

    /// <summary>Bytes a Points frame of <paramref name="points"/> points takes on the wire.</summary>
    public static int PointsFrameBytes(int points) => ProtocolLimits.HeaderBytes + ProtocolLimits.PointsPrefixBytes + 16 * points;

    private static void WriteColumn(IBufferWriter<byte> writer, ReadOnlySpan<double> column)
    {
        if (BitConverter.IsLittleEndian)
        {
            var bytes = MemoryMarshal.AsBytes(column);
            while (!bytes.IsEmpty)
            {
                var span = writer.GetSpan(Math.Min(bytes.Length, 1 << 16));
                int n = Math.Min(span.Length, bytes.Length);
                bytes[..n].CopyTo(span);
                writer.Advance(n);
                bytes = bytes[n..];
            }
            return;
        }
        foreach (var v in column)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(writer.GetSpan(8), v);
            writer.Advance(8);
        }
    }

    private static void WriteHeader(Span<byte> span, uint payloadLength, FrameType type, int seriesId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, payloadLength);
        span[4] = (byte)type;
        span[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)seriesId);
    }

    private static void CheckSeriesId(int seriesId)
    {
        if ((uint)seriesId >= ProtocolLimits.MaxSeries)
            throw new ArgumentOutOfRangeException(nameof(seriesId), seriesId, $"series ids run from 0 to {ProtocolLimits.MaxSeries - 1}");
    }
}
