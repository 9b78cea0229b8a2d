namespace PlotPipe.Protocol;

/// <summary>The explicit limits of the wire format; a frame beyond them is rejected.</summary>
public static class ProtocolLimits
{
    /// <summary>The four bytes every stream starts with: ASCII "PLTP".</summary>
    public static ReadOnlySpan<byte> Magic => "PLTP"u8;

    /// <summary>The protocol version this build speaks.</summary>
    public const ushort Version = 1;

    /// <summary>Bytes in the handshake: magic, version, reserved.</summary>
    public const int HandshakeBytes = 8;

    /// <summary>Bytes in every frame header: payload length, type, reserved, series id.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Most points one Points frame may carry (16 MiB of columns).</summary>
    public const int MaxPointsPerFrame = 1 << 20;

    /// <summary>Largest payload of any frame, in bytes.</summary>
    public const int MaxPayloadBytes = PointsPrefixBytes + MaxPointsPerFrame * 16;

    /// <summary>Bytes before the columns in a Points payload: count and reserved.</summary>
    public const int PointsPrefixBytes = 8;

    /// <summary>Bytes before the name in a DefineSeries payload.</summary>
    public const int DefinePrefixBytes = 8;

    /// <summary>Series ids run from 0 to one less than this.</summary>
    public const int MaxSeries = 1024;

    /// <summary>Longest series name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 200;

    /// <summary>Longest format string, in bytes.</summary>
    public const int MaxFormatBytes = 16;
}
