using System.Buffers;
using PlotPipe.TestSupport;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>Builds a ReadOnlySequence whose bytes are split into segments at chosen offsets, as a pipe may deliver them.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order());
        bounds.Add(bytes.Length);
        var pieces = new List<ReadOnlyMemory<byte>>();
        for (int i = 0; i + 1 < bounds.Count; i++) pieces.Add(bytes.AsMemory(bounds[i], bounds[i + 1] - bounds[i]));
        return ByteSegments.Of(pieces);
    }

    /// <summary>The bytes from <paramref name="from"/> to <paramref name="to"/>, split at those of the absolute <paramref name="cuts"/> inside.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int from, int to, IEnumerable<int> cuts)
    {
        var pieces = new List<ReadOnlyMemory<byte>>();
        int start = from;
        foreach (int cut in cuts.Where(c => c > from && c < to).Append(to))
        {
            pieces.Add(bytes.AsMemory(start, cut - start));
            start = cut;
        }
        return ByteSegments.Of(pieces);
    }
}
