using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>One decoded frame: its header fields and a view of its payload (valid until the buffer is advanced).</summary>
public readonly struct Frame
{
    /// <summary>Creates a frame view over a payload that has already been validated.</summary>
    public Frame(FrameType type, ushort seriesId, ReadOnlySequence<byte> payload, long offset)
    {
        Type = type;
        SeriesId = seriesId;
        Payload = payload;
        Offset = offset;
    }

    /// <summary>What the frame is.</summary>
    public FrameType Type { get; }

    /// <summary>The series it is about (0 for frames about the whole stream).</summary>
    public ushort SeriesId { get; }

    /// <summary>The payload bytes, after the 8-byte header.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>Stream offset of the frame's first header byte.</summary>
    public long Offset { get; }

    /// <summary>Points in a Points frame.</summary>
    public int PointCount => (int)(Payload.Length - ProtocolLimits.PointsPrefixBytes) / 16;

    /// <summary>The x column of a Points frame, as raw little-endian doubles.</summary>
    public ReadOnlySequence<byte> XBytes => Payload.Slice(ProtocolLimits.PointsPrefixBytes, PointCount * 8L);

    /// <summary>The y column of a Points frame, as raw little-endian doubles.</summary>
    public ReadOnlySequence<byte> YBytes => Payload.Slice(ProtocolLimits.PointsPrefixBytes + PointCount * 8L, PointCount * 8L);

    /// <summary>The running dropped total of a Dropped frame.</summary>
    public long DroppedTotal
    {
        get
        {
            Span<byte> b = stackalloc byte[8];
            Payload.Slice(0, 8).CopyTo(b);
            return BinaryPrimitives.ReadInt64LittleEndian(b);
        }
    }

    /// <summary>Reads the series definition of a DefineSeries frame (allocates the strings).</summary>
    public SeriesDefinition ReadDefinition()
    {
        var bytes = Payload.ToArray();
        var kind = (SeriesKind)bytes[0];
        int formatLength = bytes[1];
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2));
        int at = ProtocolLimits.DefinePrefixBytes;
        var name = Encoding.UTF8.GetString(bytes, at, nameLength);
        var format = Encoding.ASCII.GetString(bytes, at + nameLength, formatLength);
        // Version 1 keeps these bytes zero, so one reading serves both versions.
        int panel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        var flags = (SeriesFlags)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        return new SeriesDefinition(SeriesId, kind, name, format, panel, flags);
    }

    /// <summary>The panel a DefinePanel frame defines (its series id field).</summary>
    public int PanelId => SeriesId;

    /// <summary>Reads the producer's name and token from a Hello frame (allocates the strings).</summary>
    public ProducerHello ReadHello()
    {
        var bytes = Payload.ToArray();
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int tokenLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2));
        int at = ProtocolLimits.HelloPrefixBytes;
        return new ProducerHello(Encoding.UTF8.GetString(bytes, at, nameLength), Encoding.ASCII.GetString(bytes, at + nameLength, tokenLength));
    }

    /// <summary>Reads the key/value properties of a DefinePlot or DefinePanel frame, in the order sent (allocates).</summary>
    public KeyValuePair<string, string>[] ReadProperties()
    {
        var bytes = Payload.ToArray();
        int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        var properties = new KeyValuePair<string, string>[count];
        int at = ProtocolLimits.PropertiesPrefixBytes;
        for (int i = 0; i < count; i++)
        {
            int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
            int valueLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 2));
            at += ProtocolLimits.PropertyEntryPrefixBytes;
            properties[i] = new(Encoding.ASCII.GetString(bytes, at, keyLength), Encoding.UTF8.GetString(bytes, at + keyLength, valueLength));
            at += keyLength + valueLength;
        }
        return properties;
    }

    /// <summary>Reads the marker of an Event frame (allocates its text).</summary>
    public PlotEvent ReadEvent()
    {
        Span<byte> prefix = stackalloc byte[ProtocolLimits.EventPrefixBytes];
        Payload.Slice(0, ProtocolLimits.EventPrefixBytes).CopyTo(prefix);
        var kind = (EventKind)prefix[0];
        int textLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[2..]);
        double x = BinaryPrimitives.ReadDoubleLittleEndian(prefix[8..]);
        double? x2 = kind == EventKind.Span ? BinaryPrimitives.ReadDoubleLittleEndian(prefix[16..]) : null;
        var text = Encoding.UTF8.GetString(Payload.Slice(ProtocolLimits.EventPrefixBytes, textLength));
        return new PlotEvent(kind, x, x2, (prefix[1] & 1) != 0, text);
    }

    /// <summary>Copies the columns of a Points frame into the given spans, which must hold <see cref="PointCount"/> each.</summary>
    public void CopyPoints(Span<double> xs, Span<double> ys)
    {
        int n = PointCount;
        CopyColumn(XBytes, xs[..n]);
        CopyColumn(YBytes, ys[..n]);
    }

    /// <summary>Copies raw little-endian doubles into a span: a block copy on little-endian machines.</summary>
    public static void CopyColumn(in ReadOnlySequence<byte> source, Span<double> destination)
    {
        source.CopyTo(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            var raw = MemoryMarshal.Cast<double, long>(destination);
            BinaryPrimitives.ReverseEndianness(raw, raw);
        }
    }
}
