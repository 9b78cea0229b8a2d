using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>Encodes frames into any buffer writer (a PipeWriter, an ArrayBufferWriter); allocates nothing for points.</summary>
public static class FrameWriter
{
    /// <summary>Writes the 8-byte handshake that opens every stream, for this build's version unless told another.</summary>
    public static void WriteHandshake(IBufferWriter<byte> writer, ushort version = ProtocolLimits.Version)
    {
        var span = writer.GetSpan(ProtocolLimits.HandshakeBytes);
        ProtocolLimits.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 0);
        writer.Advance(ProtocolLimits.HandshakeBytes);
    }

    /// <summary>Writes a DefineSeries frame; throws <see cref="ArgumentException"/> for a name or format the protocol cannot carry.</summary>
    public static void WriteDefineSeries(IBufferWriter<byte> writer, int seriesId, SeriesKind kind, string name, string format) =>
        WriteDefineSeries(writer, seriesId, kind, name, format, 0, SeriesFlags.None);

    /// <summary>
    /// Writes a version 2 DefineSeries frame that puts the series in panel <paramref name="panel"/> (0: the default
    /// panel; any other must have been defined first) with <paramref name="flags"/> such as time on x.
    /// </summary>
    public static void WriteDefineSeries(IBufferWriter<byte> writer, int seriesId, SeriesKind kind, string name, string format, int panel, SeriesFlags flags)
    {
        if ((uint)panel >= ProtocolLimits.MaxPanels)
            throw new ArgumentOutOfRangeException(nameof(panel), panel, $"panel ids run from 0 to {ProtocolLimits.MaxPanels - 1}");
        if ((flags & ~SeriesFlags.TimeX) != 0)
            throw new ArgumentException($"series flags 0x{(ushort)flags:x4} have bits this version does not define", nameof(flags));
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
        BinaryPrimitives.WriteUInt16LittleEndian(p[4..], (ushort)panel);
        BinaryPrimitives.WriteUInt16LittleEndian(p[6..], (ushort)flags);
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

    /// <summary>
    /// Writes the Hello frame that must follow the handshake of a version 2 stream: the producer's name (empty lets
    /// the viewer name it) and its token (empty when none); throws <see cref="ArgumentException"/> for either out of bounds.
    /// </summary>
    public static void WriteHello(IBufferWriter<byte> writer, string producerName, string token)
    {
        ArgumentNullException.ThrowIfNull(producerName);
        ArgumentNullException.ThrowIfNull(token);
        int nameBytes = Encoding.UTF8.GetByteCount(producerName);
        if (nameBytes > ProtocolLimits.MaxProducerNameBytes)
            throw new ArgumentException($"producer name \"{producerName}\" is {nameBytes} UTF-8 bytes; names take at most {ProtocolLimits.MaxProducerNameBytes}", nameof(producerName));
        if (AccessToken.Problem(token) is { } problem)
            throw new ArgumentException($"token {problem}", nameof(token));
        int used = ProtocolLimits.HelloPrefixBytes + nameBytes + token.Length;
        int payload = (used + 7) & ~7;
        var span = writer.GetSpan(ProtocolLimits.HeaderBytes + payload)[..(ProtocolLimits.HeaderBytes + payload)];
        span.Clear();
        WriteHeader(span, (uint)payload, FrameType.Hello, 0);
        var p = span[ProtocolLimits.HeaderBytes..];
        BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)nameBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(p[2..], (ushort)token.Length);
        Encoding.UTF8.GetBytes(producerName, p[ProtocolLimits.HelloPrefixBytes..]);
        Encoding.ASCII.GetBytes(token, p[(ProtocolLimits.HelloPrefixBytes + nameBytes)..]);
        writer.Advance(span.Length);
    }

    /// <summary>Writes a DefinePlot frame: the plot's properties (see <see cref="PlotProperties"/>), replacing any sent before.</summary>
    public static void WriteDefinePlot(IBufferWriter<byte> writer, IReadOnlyCollection<KeyValuePair<string, string>> properties) =>
        WriteProperties(writer, FrameType.DefinePlot, 0, properties);

    /// <summary>Writes a DefinePanel frame for panel 1 to 63: its properties (see <see cref="PlotProperties"/>), replacing any sent before.</summary>
    public static void WriteDefinePanel(IBufferWriter<byte> writer, int panelId, IReadOnlyCollection<KeyValuePair<string, string>> properties)
    {
        if (panelId is < 1 or >= ProtocolLimits.MaxPanels)
            throw new ArgumentOutOfRangeException(nameof(panelId), panelId, $"defined panels take ids 1 to {ProtocolLimits.MaxPanels - 1} (0 is the default panel)");
        WriteProperties(writer, FrameType.DefinePanel, panelId, properties);
    }

    private static void WriteProperties(IBufferWriter<byte> writer, FrameType type, int id, IReadOnlyCollection<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.Count > ProtocolLimits.MaxProperties)
            throw new ArgumentException($"{properties.Count} properties exceed the {ProtocolLimits.MaxProperties} a frame can carry", nameof(properties));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int used = ProtocolLimits.PropertiesPrefixBytes;
        foreach (var (key, value) in properties)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(properties));
            ArgumentNullException.ThrowIfNull(value, nameof(properties));
            if (key.Length is 0 or > ProtocolLimits.MaxPropertyKeyBytes || key.Any(c => c > 0x7F) || PlotProperties.FirstBadKeyByte(Encoding.ASCII.GetBytes(key)) >= 0)
                throw new ArgumentException($"property key \"{key}\" must be 1 to {ProtocolLimits.MaxPropertyKeyBytes} characters of a-z, 0-9, '_' and '.'", nameof(properties));
            if (!seen.Add(key))
                throw new ArgumentException($"property key \"{key}\" is given twice", nameof(properties));
            int valueBytes = Encoding.UTF8.GetByteCount(value);
            if (valueBytes > ProtocolLimits.MaxPropertyValueBytes)
                throw new ArgumentException($"property \"{key}\" has a value of {valueBytes} UTF-8 bytes; values take at most {ProtocolLimits.MaxPropertyValueBytes}", nameof(properties));
            if (PlotProperties.ValueProblem(type, key, value) is string problem)
                throw new ArgumentException(problem, nameof(properties));
            used += ProtocolLimits.PropertyEntryPrefixBytes + key.Length + valueBytes;
        }
        int payload = (used + 7) & ~7;
        var span = writer.GetSpan(ProtocolLimits.HeaderBytes + payload)[..(ProtocolLimits.HeaderBytes + payload)];
        span.Clear();
        WriteHeader(span, (uint)payload, type, id);
        var p = span[ProtocolLimits.HeaderBytes..];
        BinaryPrimitives.WriteUInt16LittleEndian(p, (ushort)properties.Count);
        int at = ProtocolLimits.PropertiesPrefixBytes;
        foreach (var (key, value) in properties)
        {
            int valueBytes = Encoding.UTF8.GetByteCount(value);
            BinaryPrimitives.WriteUInt16LittleEndian(p[at..], (ushort)key.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(p[(at + 2)..], (ushort)valueBytes);
            at += ProtocolLimits.PropertyEntryPrefixBytes;
            at += Encoding.ASCII.GetBytes(key, p[at..]);
            at += Encoding.UTF8.GetBytes(value, p[at..]);
        }
        writer.Advance(span.Length);
    }

    /// <summary>
    /// Writes a version 2 Event frame: a mark at <paramref name="x"/> (<paramref name="x2"/> is ignored) or a span from
    /// <paramref name="x"/> to <paramref name="x2"/>, Unix seconds when <paramref name="xIsTime"/>; throws
    /// <see cref="ArgumentException"/> naming text or an x the protocol cannot carry (see <see cref="PlotEvent.TextProblem"/>).
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> writer, EventKind kind, double x, double x2, bool xIsTime, string text)
    {
        if (kind is not (EventKind.Mark or EventKind.Span))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "an event is a Mark or a Span");
        if (PlotEvent.TextProblem(text) is { } textProblem) throw new ArgumentException(textProblem, nameof(text));
        if (PlotEvent.RangeProblem(kind, x, x2) is { } rangeProblem)
            throw new ArgumentException(rangeProblem, double.IsFinite(x) ? nameof(x2) : nameof(x));
        int textBytes = Encoding.UTF8.GetByteCount(text);
        int used = ProtocolLimits.EventPrefixBytes + textBytes;
        int payload = (used + 7) & ~7;
        var span = writer.GetSpan(ProtocolLimits.HeaderBytes + payload)[..(ProtocolLimits.HeaderBytes + payload)];
        span.Clear();
        WriteHeader(span, (uint)payload, FrameType.Event, 0);
        var p = span[ProtocolLimits.HeaderBytes..];
        p[0] = (byte)kind;
        p[1] = xIsTime ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(p[2..], (ushort)textBytes);
        BinaryPrimitives.WriteDoubleLittleEndian(p[8..], x);
        // A mark's x2 is reserved: zero bytes, so a later version may give it a meaning.
        if (kind == EventKind.Span) BinaryPrimitives.WriteDoubleLittleEndian(p[16..], x2);
        Encoding.UTF8.GetBytes(text, p[ProtocolLimits.EventPrefixBytes..]);
        writer.Advance(span.Length);
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
