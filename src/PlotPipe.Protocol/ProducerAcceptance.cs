namespace PlotPipe.Protocol;

/// <summary>
/// What a listening viewer writes back once it has taken a producer (its Hello read, its token matched, a place free):
/// an empty line, a single line feed, before anything else it may say on that connection (docs/protocol.md,
/// "Acceptance"). A producer that reads it knows a viewer holds its stream, so a drop after it is a live stream
/// broken; a connection that ends before it (a tunnel whose far end is down accepts, then closes) reached no viewer,
/// and the producer knocks again only after its backoff, as when nobody listens.
/// </summary>
public static class ProducerAcceptance
{
    /// <summary>The whole line: one line feed byte. An older producer reads it as an empty first line and ignores it.</summary>
    public const byte Line = (byte)'\n';
}
