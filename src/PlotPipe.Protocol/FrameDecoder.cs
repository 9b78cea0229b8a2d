using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>
/// Parses a byte stream into frames, checking the handshake first. Keeps no data of its own beyond the
/// stream offset, so I/O stays with the caller: feed it the buffered bytes, advance by what it consumed.
/// </summary>
public sealed class FrameDecoder
{
    private bool _handshakeSeen;
    private bool _finished;
    private bool _helloSeen;
    // Bit n set: panel n was defined by a DefinePanel frame (bit 0, the default panel, always).
    private ulong _panels = 1;

    /// <summary>The stream's protocol version from its handshake (0 until the handshake is in).</summary>
    public int Version { get; private set; }

    /// <summary>Offset in the stream of the next byte the decoder will read.</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// Whether a panel this stream has not defined was defined elsewhere, so a series may name it: a viewer's
    /// producers share panels by id. Null (the default): a series may name only the panels its own stream defined.
    /// </summary>
    public Func<int, bool>? PanelDefinedElsewhere { get; set; }

    /// <summary>
    /// Reads the next frame from <paramref name="buffer"/> and slices it off. Returns false when more bytes are
    /// needed (the buffer is left as it was). Throws <see cref="ProtocolException"/> for bytes that can never be valid.
    /// </summary>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (!_handshakeSeen)
        {
            if (!TryReadHandshake(ref buffer)) return false;
        }

        // Finish is the last frame: a byte after it is refused at once, so a producer that keeps writing
        // learns it from the viewer instead of having those points vanish.
        if (_finished && !buffer.IsEmpty)
            throw new ProtocolException(Offset, "frame after Finish: the stream was complete, so nothing may follow it");
        if (buffer.Length < ProtocolLimits.HeaderBytes) return false;

        Span<byte> header = stackalloc byte[ProtocolLimits.HeaderBytes];
        buffer.Slice(0, ProtocolLimits.HeaderBytes).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var type = (FrameType)header[4];
        byte reserved = header[5];
        ushort seriesId = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);

        ValidateHeader(length, type, reserved, seriesId, header);
        long total = ProtocolLimits.HeaderBytes + (long)length;
        if (buffer.Length < total) return false;

        var payload = buffer.Slice(ProtocolLimits.HeaderBytes, length);
        ValidatePayload(type, payload);
        frame = new Frame(type, seriesId, payload, Offset);
        buffer = buffer.Slice(total);
        Offset += total;
        _finished = type == FrameType.Finish;
        _helloSeen |= type == FrameType.Hello;
        if (type == FrameType.DefinePanel) _panels |= 1UL << seriesId;
        return true;
    }

    /// <summary>Names the problem with bytes left over when the stream ends: a truncated frame or handshake.</summary>
    public ProtocolException Truncated(in ReadOnlySequence<byte> leftover)
    {
        if (!_handshakeSeen)
            return new ProtocolException(Offset, $"stream ended inside the handshake after {leftover.Length} of {ProtocolLimits.HandshakeBytes} bytes");
        if (leftover.Length < ProtocolLimits.HeaderBytes)
            return new ProtocolException(Offset, $"stream ended inside a frame header after {leftover.Length} of {ProtocolLimits.HeaderBytes} bytes");
        Span<byte> header = stackalloc byte[4];
        leftover.Slice(0, 4).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return new ProtocolException(Offset, $"stream ended inside a frame: {leftover.Length - ProtocolLimits.HeaderBytes} of {length} payload bytes arrived");
    }

    private bool TryReadHandshake(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < ProtocolLimits.HandshakeBytes)
        {
            // Reject a wrong magic as soon as its bytes are in, so a text producer gets told at once.
            CheckMagicPrefix(buffer);
            return false;
        }
        Span<byte> hs = stackalloc byte[ProtocolLimits.HandshakeBytes];
        buffer.Slice(0, ProtocolLimits.HandshakeBytes).CopyTo(hs);
        CheckMagicPrefix(buffer);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(hs[4..]);
        if (version is < ProtocolLimits.OldestVersion or > ProtocolLimits.Version)
            throw new ProtocolException(Offset + 4, $"unsupported protocol version {version}; this viewer speaks versions {ProtocolLimits.OldestVersion} to {ProtocolLimits.Version}");
        CheckZero(hs.Slice(6, 2), Offset + 6, "reserved handshake bytes");
        Version = version;
        buffer = buffer.Slice(ProtocolLimits.HandshakeBytes);
        Offset += ProtocolLimits.HandshakeBytes;
        _handshakeSeen = true;
        return true;
    }

    private void CheckMagicPrefix(in ReadOnlySequence<byte> buffer)
    {
        int n = (int)Math.Min(4, buffer.Length);
        Span<byte> got = stackalloc byte[4];
        buffer.Slice(0, n).CopyTo(got);
        var magic = ProtocolLimits.Magic;
        for (int i = 0; i < n; i++)
        {
            if (got[i] != magic[i])
                throw new ProtocolException(Offset + i, $"not a PlotPipe stream: expected magic \"PLTP\", found byte 0x{got[i]:x2}");
        }
    }

    // The checks run in the order docs/protocol.md lists them; the first that fails names its byte.
    private void ValidateHeader(uint length, FrameType type, byte reserved, ushort seriesId, ReadOnlySpan<byte> header)
    {
        if (length > ProtocolLimits.MaxPayloadBytes)
            throw new ProtocolException(Offset, $"frame of {length} payload bytes exceeds the limit of {ProtocolLimits.MaxPayloadBytes}");
        if (length % 8 != 0)
            throw new ProtocolException(Offset, $"payload length {length} is not a multiple of 8");
        var lastType = Version == 1 ? FrameType.Finish : FrameType.Event;
        if (type < FrameType.DefineSeries || type > lastType)
            throw new ProtocolException(Offset + 4, $"unknown frame type {(byte)type} in a version {Version} stream");
        if (Version >= 2 && !_helloSeen && type != FrameType.Hello)
            throw new ProtocolException(Offset + 4, $"a version {Version} stream must start with a Hello frame, found frame type {(byte)type}");
        if (Version >= 2 && _helloSeen && type == FrameType.Hello)
            throw new ProtocolException(Offset + 4, "second Hello frame: a stream says Hello exactly once, first");
        if (reserved != 0)
            throw new ProtocolException(Offset + 5, $"reserved header byte must be zero, found 0x{reserved:x2}");
        switch (type)
        {
            case FrameType.Finish or FrameType.Hello or FrameType.DefinePlot or FrameType.Event:
                CheckZero(header.Slice(6, 2), Offset + 6, $"series id of a {type} frame");
                break;
            case FrameType.DefinePanel when seriesId is 0 or >= ProtocolLimits.MaxPanels:
                throw new ProtocolException(Offset + 6, $"panel id {seriesId} of a DefinePanel frame; defined panels take ids 1 to {ProtocolLimits.MaxPanels - 1}");
            case not FrameType.DefinePanel when seriesId >= ProtocolLimits.MaxSeries:
                throw new ProtocolException(Offset + 6, $"series id {seriesId} exceeds the limit of {ProtocolLimits.MaxSeries - 1}");
        }
        switch (type)
        {
            case FrameType.Points when length < ProtocolLimits.PointsPrefixBytes:
                throw new ProtocolException(Offset, $"Points frame of {length} payload bytes is shorter than its 8-byte prefix");
            case FrameType.DefineSeries when length < ProtocolLimits.DefinePrefixBytes:
                throw new ProtocolException(Offset, $"DefineSeries frame of {length} payload bytes is shorter than its 8-byte prefix");
            case FrameType.Dropped when length != 8:
                throw new ProtocolException(Offset, $"Dropped frame must carry 8 payload bytes, found {length}");
            case FrameType.Finish when length != 0:
                throw new ProtocolException(Offset, $"Finish frame must carry no payload, found {length} bytes");
            case FrameType.Hello when length is < ProtocolLimits.HelloPrefixBytes or > ProtocolLimits.MaxHelloPayloadBytes:
                throw new ProtocolException(Offset, $"Hello frame of {length} payload bytes; it takes {ProtocolLimits.HelloPrefixBytes} to {ProtocolLimits.MaxHelloPayloadBytes}");
            case FrameType.Event when length is < ProtocolLimits.MinEventPayloadBytes or > ProtocolLimits.MaxEventPayloadBytes:
                throw new ProtocolException(Offset, $"Event frame of {length} payload bytes; it takes {ProtocolLimits.MinEventPayloadBytes} to {ProtocolLimits.MaxEventPayloadBytes}");
            case FrameType.DefinePlot or FrameType.DefinePanel when length is < ProtocolLimits.PropertiesPrefixBytes or > ProtocolLimits.MaxPropertiesPayloadBytes:
                throw new ProtocolException(Offset, $"{type} frame of {length} payload bytes; it takes {ProtocolLimits.PropertiesPrefixBytes} to {ProtocolLimits.MaxPropertiesPayloadBytes}");
        }
    }

    private void ValidatePayload(FrameType type, in ReadOnlySequence<byte> payload)
    {
        long at = Offset + ProtocolLimits.HeaderBytes;
        switch (type)
        {
            case FrameType.Points:
                ValidatePoints(payload, at);
                break;
            case FrameType.DefineSeries:
                ValidateDefinition(payload, at);
                break;
            case FrameType.Hello:
                ValidateHello(payload, at);
                break;
            case FrameType.DefinePlot or FrameType.DefinePanel:
                ValidateProperties(type, payload, at);
                break;
            case FrameType.Event:
                ValidateEvent(payload, at);
                break;
            case FrameType.Dropped:
                Span<byte> total = stackalloc byte[8];
                payload.Slice(0, 8).CopyTo(total);
                long dropped = BinaryPrimitives.ReadInt64LittleEndian(total);
                if (dropped < 0)
                    throw new ProtocolException(at, $"Dropped frame carries a negative total {dropped}");
                break;
        }
    }

    private static void ValidatePoints(in ReadOnlySequence<byte> payload, long at)
    {
        Span<byte> prefix = stackalloc byte[ProtocolLimits.PointsPrefixBytes];
        payload.Slice(0, ProtocolLimits.PointsPrefixBytes).CopyTo(prefix);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        long expected = ProtocolLimits.PointsPrefixBytes + 16L * count;
        if (count > ProtocolLimits.MaxPointsPerFrame)
            throw new ProtocolException(at, $"Points frame claims {count} points, over the limit of {ProtocolLimits.MaxPointsPerFrame}");
        if (expected != payload.Length)
            throw new ProtocolException(at, $"Points frame claims {count} points ({expected} payload bytes) but carries {payload.Length}");
        CheckZero(prefix[4..], at + 4, "reserved bytes of a Points frame");
    }

    private void ValidateDefinition(in ReadOnlySequence<byte> payload, long at)
    {
        Span<byte> prefix = stackalloc byte[ProtocolLimits.DefinePrefixBytes];
        payload.Slice(0, ProtocolLimits.DefinePrefixBytes).CopyTo(prefix);
        var kind = (SeriesKind)prefix[0];
        int formatLength = prefix[1];
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[2..]);
        if (kind is not (SeriesKind.Scatter or SeriesKind.Line))
            throw new ProtocolException(at, $"unknown series kind {(byte)kind}");
        if (formatLength > ProtocolLimits.MaxFormatBytes)
            throw new ProtocolException(at + 1, $"format string of {formatLength} bytes exceeds the limit of {ProtocolLimits.MaxFormatBytes}");
        if (nameLength is 0 or > ProtocolLimits.MaxNameBytes)
            throw new ProtocolException(at + 2, $"series name of {nameLength} bytes; names take 1 to {ProtocolLimits.MaxNameBytes} bytes");
        int used = ProtocolLimits.DefinePrefixBytes + nameLength + formatLength;
        int padded = (used + 7) & ~7;
        if (payload.Length != padded)
            throw new ProtocolException(at + 1, $"DefineSeries frame with a {nameLength}-byte name and a {formatLength}-byte format takes {padded} payload bytes but carries {payload.Length}");
        if (Version == 1)
        {
            CheckZero(prefix[4..], at + 4, "reserved bytes of a DefineSeries frame");
        }
        else
        {
            int panel = BinaryPrimitives.ReadUInt16LittleEndian(prefix[4..]);
            if (panel >= ProtocolLimits.MaxPanels || ((_panels & (1UL << panel)) == 0 && PanelDefinedElsewhere?.Invoke(panel) != true))
                throw new ProtocolException(at + 4, $"series in panel {panel}, which no DefinePanel frame has defined");
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(prefix[6..]);
            if ((flags & ~(ushort)SeriesFlags.TimeX) != 0)
                throw new ProtocolException(at + ((flags & 0xFE) != 0 ? 6 : 7), $"series flags 0x{flags:x4} have bits this version does not define");
        }

        Span<byte> bytes = stackalloc byte[MaxDefinitionBytes];
        bytes = bytes[..padded];
        payload.CopyTo(bytes);
        var name = bytes.Slice(ProtocolLimits.DefinePrefixBytes, nameLength);
        int bad = PlotProperties.FirstInvalidUtf8(name);
        if (bad >= 0)
            throw new ProtocolException(at + ProtocolLimits.DefinePrefixBytes + bad, "series name is not valid UTF-8");
        long formatAt = at + ProtocolLimits.DefinePrefixBytes + nameLength;
        // Latin-1 maps each byte to one char, so a character's position is its byte's position.
        var format = Encoding.Latin1.GetString(bytes.Slice(ProtocolLimits.DefinePrefixBytes + nameLength, formatLength));
        if (!PlotFormat.TryParse(format, kind, out _, out int badIndex, out string problem))
            throw new ProtocolException(formatAt + badIndex, problem);
        CheckZero(bytes[used..], at + used, "padding of a DefineSeries frame");
    }

    private static void ValidateHello(in ReadOnlySequence<byte> payload, long at)
    {
        var bytes = Copy(payload, stackalloc byte[ProtocolLimits.MaxHelloPayloadBytes]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int tokenLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
        if (nameLength > ProtocolLimits.MaxProducerNameBytes)
            throw new ProtocolException(at, $"producer name of {nameLength} bytes exceeds the limit of {ProtocolLimits.MaxProducerNameBytes}");
        if (tokenLength > ProtocolLimits.MaxTokenBytes)
            throw new ProtocolException(at + 2, $"token of {tokenLength} bytes exceeds the limit of {ProtocolLimits.MaxTokenBytes}");
        int used = ProtocolLimits.HelloPrefixBytes + nameLength + tokenLength;
        int padded = (used + 7) & ~7;
        if (bytes.Length != padded)
            throw new ProtocolException(at, $"Hello frame with a {nameLength}-byte name and a {tokenLength}-byte token takes {padded} payload bytes but carries {bytes.Length}");
        CheckZero(bytes[4..8], at + 4, "reserved bytes of a Hello frame");
        int at0 = ProtocolLimits.HelloPrefixBytes;
        int bad = PlotProperties.FirstInvalidUtf8(bytes.Slice(at0, nameLength));
        if (bad >= 0)
            throw new ProtocolException(at + at0 + bad, "producer name is not valid UTF-8");
        bad = AccessToken.FirstBadByte(bytes.Slice(at0 + nameLength, tokenLength));
        if (bad >= 0)
            throw new ProtocolException(at + at0 + nameLength + bad, $"token has byte 0x{bytes[at0 + nameLength + bad]:x2}; tokens take {AccessToken.AllowedCharacters}");
        CheckZero(bytes[used..], at + used, "padding of a Hello frame");
    }

    private static void ValidateProperties(FrameType type, in ReadOnlySequence<byte> payload, long at)
    {
        // Up to 70 KB: too large for the stack, and these frames are rare, so a rented buffer serves.
        byte[] rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        try
        {
            var bytes = rented.AsSpan(0, (int)payload.Length);
            payload.CopyTo(bytes);
            int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            if (count > ProtocolLimits.MaxProperties)
                throw new ProtocolException(at, $"{type} frame claims {count} properties, over the limit of {ProtocolLimits.MaxProperties}");
            CheckZero(bytes[2..8], at + 2, $"reserved bytes of a {type} frame");
            int e = ProtocolLimits.PropertiesPrefixBytes;
            for (int i = 0; i < count; i++)
            {
                if (e + ProtocolLimits.PropertyEntryPrefixBytes > bytes.Length)
                    throw new ProtocolException(at + e, $"property {i + 1} of {count} runs past the end of the {bytes.Length}-byte payload");
                int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[e..]);
                int valueLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(e + 2)..]);
                if (keyLength is 0 or > ProtocolLimits.MaxPropertyKeyBytes)
                    throw new ProtocolException(at + e, $"property key of {keyLength} bytes; keys take 1 to {ProtocolLimits.MaxPropertyKeyBytes}");
                if (valueLength > ProtocolLimits.MaxPropertyValueBytes)
                    throw new ProtocolException(at + e + 2, $"property value of {valueLength} bytes exceeds the limit of {ProtocolLimits.MaxPropertyValueBytes}");
                if (e + ProtocolLimits.PropertyEntryPrefixBytes + keyLength + valueLength > bytes.Length)
                    throw new ProtocolException(at + e, $"property {i + 1} of {count} runs past the end of the {bytes.Length}-byte payload");
                int k = e + ProtocolLimits.PropertyEntryPrefixBytes;
                var key = bytes.Slice(k, keyLength);
                int bad = PlotProperties.FirstBadKeyByte(key);
                if (bad >= 0)
                    throw new ProtocolException(at + k + bad, $"property key has byte 0x{key[bad]:x2}; keys take a-z, 0-9, '_' and '.'");
                // Earlier keys sit before this one; a linear look is cheap for at most 64 short keys.
                int earlier = ProtocolLimits.PropertiesPrefixBytes;
                while (earlier < e)
                {
                    int kl = BinaryPrimitives.ReadUInt16LittleEndian(bytes[earlier..]);
                    int vl = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(earlier + 2)..]);
                    if (bytes.Slice(earlier + ProtocolLimits.PropertyEntryPrefixBytes, kl).SequenceEqual(key))
                        throw new ProtocolException(at + k, $"property key \"{Encoding.ASCII.GetString(key)}\" is repeated in one {type} frame");
                    earlier += ProtocolLimits.PropertyEntryPrefixBytes + kl + vl;
                }
                var value = bytes.Slice(k + keyLength, valueLength);
                bad = PlotProperties.FirstInvalidUtf8(value);
                if (bad >= 0)
                    throw new ProtocolException(at + k + keyLength + bad, "property value is not valid UTF-8");
                if (PlotProperties.ValueProblem(type, Encoding.ASCII.GetString(key), Encoding.UTF8.GetString(value)) is string problem)
                    throw new ProtocolException(at + k + keyLength, problem);
                e = k + keyLength + valueLength;
            }
            int padded = (e + 7) & ~7;
            if (bytes.Length != padded)
                throw new ProtocolException(at, $"{type} frame with {count} properties takes {padded} payload bytes but carries {bytes.Length}");
            CheckZero(bytes[e..], at + e, $"padding of a {type} frame");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void ValidateEvent(in ReadOnlySequence<byte> payload, long at)
    {
        var bytes = Copy(payload, stackalloc byte[ProtocolLimits.MaxEventPayloadBytes]);
        var kind = (EventKind)bytes[0];
        if (kind is not (EventKind.Mark or EventKind.Span))
            throw new ProtocolException(at, $"unknown event kind {bytes[0]}; an Event is 1 (mark) or 2 (span)");
        if ((bytes[1] & ~1) != 0)
            throw new ProtocolException(at + 1, $"event flags 0x{bytes[1]:x2} have bits this version does not define");
        int textLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
        if (textLength is 0 or > ProtocolLimits.MaxEventTextBytes)
            throw new ProtocolException(at + 2, $"event text of {textLength} bytes; an event's text takes 1 to {ProtocolLimits.MaxEventTextBytes} bytes");
        int used = ProtocolLimits.EventPrefixBytes + textLength;
        int padded = (used + 7) & ~7;
        if (bytes.Length != padded)
            throw new ProtocolException(at + 2, $"Event frame with a {textLength}-byte text takes {padded} payload bytes but carries {bytes.Length}");
        CheckZero(bytes[4..8], at + 4, "reserved bytes of an Event frame");
        double x = BinaryPrimitives.ReadDoubleLittleEndian(bytes[8..]);
        if (!double.IsFinite(x))
            throw new ProtocolException(at + 8, $"event x {PlotEvent.Number(x)} is not a finite number");
        if (kind == EventKind.Mark)
        {
            CheckZero(bytes[16..24], at + 16, "reserved end of a mark");
        }
        else
        {
            double x2 = BinaryPrimitives.ReadDoubleLittleEndian(bytes[16..]);
            if (!double.IsFinite(x2) || x2 < x)
                throw new ProtocolException(at + 16, $"span end {PlotEvent.Number(x2)} is not a finite number at or after its start {PlotEvent.Number(x)}");
        }
        int bad = PlotProperties.FirstInvalidUtf8(bytes.Slice(ProtocolLimits.EventPrefixBytes, textLength));
        if (bad >= 0)
            throw new ProtocolException(at + ProtocolLimits.EventPrefixBytes + bad, "event text is not valid UTF-8");
        CheckZero(bytes[used..], at + used, "padding of an Event frame");
    }

    private static Span<byte> Copy(in ReadOnlySequence<byte> payload, Span<byte> room)
    {
        var bytes = room[..(int)payload.Length];
        payload.CopyTo(bytes);
        return bytes;
    }

    /// <summary>Refuses a reserved field with any bit set, naming its first non-zero byte.</summary>
    private static void CheckZero(ReadOnlySpan<byte> field, long fieldOffset, string what)
    {
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] != 0)
                throw new ProtocolException(fieldOffset + i, $"{what} must be zero, found 0x{field[i]:x2} at byte {i} of {field.Length}");
        }
    }

    // A definition's payload at its largest: prefix, the longest name and format (already a multiple of 8).
    private const int MaxDefinitionBytes = ProtocolLimits.DefinePrefixBytes + ProtocolLimits.MaxNameBytes + ProtocolLimits.MaxFormatBytes;
}
