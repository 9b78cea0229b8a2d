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

    /// <summary>Offset in the stream of the next byte the decoder will read.</summary>
    public long Offset { get; private set; }

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
        if (version != ProtocolLimits.Version)
            throw new ProtocolException(Offset + 4, $"unsupported protocol version {version}; this viewer speaks version {ProtocolLimits.Version}");
        CheckZero(hs.Slice(6, 2), Offset + 6, "reserved handshake bytes");
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
        if (type is < FrameType.DefineSeries or > FrameType.Finish)
            throw new ProtocolException(Offset + 4, $"unknown frame type {(byte)type}");
        if (reserved != 0)
            throw new ProtocolException(Offset + 5, $"reserved header byte must be zero, found 0x{reserved:x2}");
        if (type == FrameType.Finish)
            CheckZero(header.Slice(6, 2), Offset + 6, "series id of a Finish frame");
        else if (seriesId >= ProtocolLimits.MaxSeries)
            throw new ProtocolException(Offset + 6, $"series id {seriesId} exceeds the limit of {ProtocolLimits.MaxSeries - 1}");
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

    private static void ValidateDefinition(in ReadOnlySequence<byte> payload, long at)
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
        CheckZero(prefix[4..], at + 4, "reserved bytes of a DefineSeries frame");

        Span<byte> bytes = stackalloc byte[MaxDefinitionBytes];
        bytes = bytes[..padded];
        payload.CopyTo(bytes);
        var name = bytes.Slice(ProtocolLimits.DefinePrefixBytes, nameLength);
        int bad = FirstInvalidUtf8(name);
        if (bad >= 0)
            throw new ProtocolException(at + ProtocolLimits.DefinePrefixBytes + bad, "series name is not valid UTF-8");
        long formatAt = at + ProtocolLimits.DefinePrefixBytes + nameLength;
        // Latin-1 maps each byte to one char, so a character's position is its byte's position.
        var format = Encoding.Latin1.GetString(bytes.Slice(ProtocolLimits.DefinePrefixBytes + nameLength, formatLength));
        if (!PlotFormat.TryParse(format, kind, out _, out int badIndex, out string problem))
            throw new ProtocolException(formatAt + badIndex, problem);
        CheckZero(bytes[used..], at + used, "padding of a DefineSeries frame");
    }

    /// <summary>Index of the first byte of the first ill-formed UTF-8 sequence, or -1 when all is well-formed.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[i..], out _, out int used) != OperationStatus.Done) return i;
            i += used;
        }
        return -1;
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
