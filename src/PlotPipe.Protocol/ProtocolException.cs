namespace PlotPipe.Protocol;

/// <summary>Bytes that break the protocol, with the stream offset where the problem starts.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the error for a problem found at a byte offset of the stream.</summary>
    public ProtocolException(long byteOffset, string problem)
        : base($"byte {byteOffset}: {problem}")
    {
        ByteOffset = byteOffset;
        Problem = problem;
    }

    /// <summary>Offset from the start of the stream of the first offending byte.</summary>
    public long ByteOffset { get; }

    /// <summary>What is wrong, without the offset.</summary>
    public string Problem { get; }
}
