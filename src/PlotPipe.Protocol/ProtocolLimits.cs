namespace PlotPipe.Protocol;

/// <summary>The explicit limits of the wire format; a frame beyond them is rejected.</summary>
public static class ProtocolLimits
{
    /// <summary>The four bytes every stream starts with: ASCII "PLTP".</summary>
    public static ReadOnlySpan<byte> Magic => "PLTP"u8;

    /// <summary>The protocol version this build writes; a reader accepts it and every version back to <see cref="OldestVersion"/>.</summary>
    public const ushort Version = 2;

    /// <summary>The oldest protocol version a reader still accepts.</summary>
    public const ushort OldestVersion = 1;

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

    /// <summary>Bytes before the name in a Hello payload: name length, token length, reserved.</summary>
    public const int HelloPrefixBytes = 8;

    /// <summary>Longest producer name a Hello frame carries, in UTF-8 bytes (0 lets the viewer name the producer).</summary>
    public const int MaxProducerNameBytes = 200;

    /// <summary>Longest token a Hello frame carries, in bytes.</summary>
    public const int MaxTokenBytes = 256;

    /// <summary>Bytes before the first entry in a DefinePlot or DefinePanel payload: count and reserved.</summary>
    public const int PropertiesPrefixBytes = 8;

    /// <summary>Bytes before the key in each property entry: key length and value length.</summary>
    public const int PropertyEntryPrefixBytes = 4;

    /// <summary>Most properties one DefinePlot or DefinePanel frame carries.</summary>
    public const int MaxProperties = 64;

    /// <summary>Longest property key, in bytes.</summary>
    public const int MaxPropertyKeyBytes = 64;

    /// <summary>Longest property value, in UTF-8 bytes.</summary>
    public const int MaxPropertyValueBytes = 1024;

    /// <summary>Panel ids run from 0 (the default panel, never defined) to one less than this.</summary>
    public const int MaxPanels = 64;

    /// <summary>Bytes before the text in an Event payload: kind, flags, text length, reserved, x and x2.</summary>
    public const int EventPrefixBytes = 24;

    /// <summary>Longest text of an Event frame, in UTF-8 bytes.</summary>
    public const int MaxEventTextBytes = 1024;

    /// <summary>Largest Event payload: prefix and the longest text (already a multiple of 8).</summary>
    public const int MaxEventPayloadBytes = EventPrefixBytes + MaxEventTextBytes;

    /// <summary>Smallest Event payload: prefix and one byte of text, rounded up to 8.</summary>
    public const int MinEventPayloadBytes = EventPrefixBytes + 8;

    /// <summary>Largest Hello payload: prefix, the longest name and token, rounded up to 8.</summary>
    public const int MaxHelloPayloadBytes = (HelloPrefixBytes + MaxProducerNameBytes + MaxTokenBytes + 7) & ~7;

    /// <summary>Largest DefinePlot or DefinePanel payload: prefix and the most entries at their longest.</summary>
    public const int MaxPropertiesPayloadBytes = PropertiesPrefixBytes + MaxProperties * (PropertyEntryPrefixBytes + MaxPropertyKeyBytes + MaxPropertyValueBytes);
}
