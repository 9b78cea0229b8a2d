namespace PlotPipe.Protocol;

/// <summary>
/// The line a listening viewer writes back before it closes a connection it will not take (a wrong or missing token,
/// no Hello, too many producers): <c>plotpipe: refused: REASON</c> and a newline (docs/protocol.md). A producer that
/// reads it has lost the plot for good: knocking again would meet the same answer.
/// </summary>
public static class ProducerRefusal
{
    /// <summary>How the line starts, before its reason.</summary>
    public const string Prefix = "plotpipe: refused: ";
}
