using System.Buffers;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>Builds a multi-segment sequence over one array, as a pipe reader returns buffered input.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentBytes)
    {
        if (bytes.Length <= segmentBytes) return new ReadOnlySequence<byte>(bytes);
        Segment? first = null, last = null;
        for (int at = 0; at < bytes.Length; at += segmentBytes)
        {
            var memory = bytes.AsMemory(at, Math.Min(segmentBytes, bytes.Length - at));
            if (last is null) first = last = new Segment(memory, 0);
            else last = last.Append(memory);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
