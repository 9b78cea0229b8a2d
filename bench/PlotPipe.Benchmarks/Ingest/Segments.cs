using System.Buffers;
using PlotPipe.TestSupport;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>Builds a multi-segment sequence over one array, as a pipe reader returns buffered input.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentBytes)
    {
        if (bytes.Length <= segmentBytes) return new ReadOnlySequence<byte>(bytes);
        var pieces = new List<ReadOnlyMemory<byte>>();
        for (int at = 0; at < bytes.Length; at += segmentBytes) pieces.Add(bytes.AsMemory(at, Math.Min(segmentBytes, bytes.Length - at)));
        return ByteSegments.Of(pieces);
    }
}
