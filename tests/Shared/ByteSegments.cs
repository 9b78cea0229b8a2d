using System.Buffers;

namespace PlotPipe.TestSupport;

/// <summary>Joins pieces of memory into one multi-segment sequence, as a pipe reader returns buffered input.</summary>
public static class ByteSegments
{
    public static ReadOnlySequence<byte> Of(IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        Segment? first = null, last = null;
        foreach (var memory in pieces)
        {
            if (memory.IsEmpty) continue;
            if (last is null) first = last = new Segment(memory, 0);
            else last = last.Append(memory);
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
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
