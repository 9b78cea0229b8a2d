using System.Buffers;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>Builds a ReadOnlySequence whose bytes are split into segments at chosen offsets, as a pipe may deliver them.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order());
        bounds.Add(bytes.Length);
        Segment? first = null, last = null;
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            var memory = bytes.AsMemory(bounds[i], bounds[i + 1] - bounds[i]);
            if (first is null) first = last = new Segment(memory, 0);
            else last = last!.Append(memory);
        }
        if (first is null) return ReadOnlySequence<byte>.Empty;
        return new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>The bytes from <paramref name="from"/> to <paramref name="to"/>, split at those of the absolute <paramref name="cuts"/> inside.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int from, int to, IEnumerable<int> cuts)
    {
        if (from == to) return ReadOnlySequence<byte>.Empty;
        Segment? first = null, last = null;
        int start = from;
        foreach (int cut in cuts.Where(c => c > from && c < to).Append(to))
        {
            var memory = bytes.AsMemory(start, cut - start);
            if (first is null) first = last = new Segment(memory, 0);
            else last = last!.Append(memory);
            start = cut;
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
