using System.Buffers;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>
/// Drives the real decoder as the viewer's read loop does: bytes arrive in chunks, every chunk stays a segment of
/// its own, and after each arrival the decoder takes what whole frames it can and leaves the rest.
/// </summary>
public static class ArrivalDecoder
{
    public static DecodeOutcome Decode(byte[] bytes, int[] chunkSizes)
    {
        var decoder = new FrameDecoder();
        var frames = new List<string>();
        var arrived = new List<int>();
        int revealed = 0, next = 0;
        // Every arrival rebuilds the sequence over all unconsumed segments; a floor on the piece size keeps a
        // 10 KB frame arriving a byte at a time from costing a hundred million steps, while small streams still
        // arrive a byte at a time.
        int floor = bytes.Length / 256;
        try
        {
            while (true)
            {
                var buffer = Segments.Split(bytes, (int)decoder.Offset, revealed, arrived);
                // Each call either returns a frame and moves on by at least a header, or returns false:
                // the loop is bounded by the bytes present, so a case can never hang here.
                long before = decoder.Offset;
                while (decoder.TryReadFrame(ref buffer, out var frame))
                {
                    frames.Add(Canon.Of(frame));
                    if (decoder.Offset < before + ProtocolLimits.HeaderBytes)
                        throw new InvalidOperationException($"decoder returned a frame without moving on (offset {before} -> {decoder.Offset})");
                    before = decoder.Offset;
                }
                if (buffer.Length != revealed - decoder.Offset)
                    throw new InvalidOperationException($"decoder left {buffer.Length} bytes but its offset {decoder.Offset} says {revealed - decoder.Offset}");
                if (revealed == bytes.Length)
                {
                    if (buffer.IsEmpty) return new(frames, DecodeEnd.Clean, decoder.Offset);
                    var truncated = decoder.Truncated(buffer);
                    return new(frames, DecodeEnd.Truncated, truncated.ByteOffset, truncated.Problem);
                }
                revealed = Math.Min(bytes.Length, revealed + Math.Max(floor, chunkSizes[next++ % chunkSizes.Length]));
                arrived.Add(revealed);
            }
        }
        catch (ProtocolException e)
        {
            return new(frames, DecodeEnd.Error, e.ByteOffset, e.Problem);
        }
    }
}
