using System.Buffers;
using System.Buffers.Binary;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>Encodes frames into a byte array and decodes a whole buffer back into readable records.</summary>
public static class Wire
{
    /// <summary>A stream of the frames <paramref name="write"/> writes, after a handshake of <paramref name="version"/> (1 by default: no Hello needed).</summary>
    public static byte[] Encode(Action<ArrayBufferWriter<byte>> write, bool handshake = true, ushort version = 1)
    {
        var w = new ArrayBufferWriter<byte>();
        if (handshake) FrameWriter.WriteHandshake(w, version);
        write(w);
        return w.WrittenSpan.ToArray();
    }

    public static List<string> DecodeAll(ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> rest)
    {
        var decoder = new FrameDecoder();
        var seen = new List<string>();
        while (decoder.TryReadFrame(ref buffer, out var frame)) seen.Add(Describe(frame));
        rest = buffer;
        return seen;
    }

    public static string Describe(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.DefineSeries:
                var d = frame.ReadDefinition();
                return d.Panel == 0 && d.Flags == SeriesFlags.None
                    ? $"define {d.Id} {d.Kind} {d.Name} {d.Format}"
                    : $"define {d.Id} {d.Kind} {d.Name} {d.Format} panel {d.Panel} flags {(int)d.Flags}";
            case FrameType.Points:
                var xs = new double[frame.PointCount];
                var ys = new double[frame.PointCount];
                frame.CopyPoints(xs, ys);
                return $"points {frame.SeriesId} " + string.Join(";", xs.Zip(ys, (x, y) => FormattableString.Invariant($"{x},{y}")));
            case FrameType.Dropped:
                return $"dropped {frame.SeriesId} {frame.DroppedTotal}";
            case FrameType.Hello:
                var h = frame.ReadHello();
                return $"hello [{h.Name}] [{h.Token}]";
            case FrameType.DefinePlot or FrameType.DefinePanel:
                var props = string.Join(" ", frame.ReadProperties().Select(p => $"{p.Key}=[{p.Value}]"));
                return frame.Type == FrameType.DefinePlot ? $"plot {props}" : $"panel {frame.PanelId} {props}";
            case FrameType.Event:
                var e = frame.ReadEvent();
                string x = FormattableString.Invariant($"{e.X}") + (e.X2 is { } x2 ? FormattableString.Invariant($"..{x2}") : "");
                return $"{e.Kind.ToString().ToLowerInvariant()} {x}{(e.XIsTime ? " time" : "")} [{e.Text}]";
            default:
                return frame.Type.ToString().ToLowerInvariant();
        }
    }

    /// <summary>A raw 8-byte frame header, to build frames the writer would refuse to make.</summary>
    public static byte[] Header(uint payloadLength, byte type, ushort seriesId, byte reserved = 0)
    {
        var h = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(h, payloadLength);
        h[4] = type;
        h[5] = reserved;
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), seriesId);
        return h;
    }
}
