namespace PlotPipe.Protocol.Tests.Support;

/// <summary>One text form per decoded frame, with doubles as raw bits, so two decoders compare bit for bit.</summary>
public static class Canon
{
    public const string Finish = "finish";

    public static string Define(int id, int kind, string name, string format, int panel = 0, int flags = 0) =>
        $"define {id} kind {kind} name [{name}] format [{format}] panel {panel} flags {flags}";

    public static string Hello(string name, string token) => $"hello name [{name}] token [{token}]";

    public static string Properties(int type, int id, IEnumerable<(string Key, string Value)> properties) =>
        $"{(type == 6 ? "plot" : $"panel {id}")} {string.Join(" ", properties.Select(p => $"[{p.Key}]=[{p.Value}]"))}";

    public static string Points(int id, long[] xBits, long[] yBits) =>
        $"points {id} x [{string.Join(' ', xBits.Select(v => v.ToString("x16")))}] y [{string.Join(' ', yBits.Select(v => v.ToString("x16")))}]";

    public static string Dropped(int id, long total) => $"dropped {id} {total}";

    public static string Event(int kind, int flags, long xBits, long x2Bits, string text) =>
        $"event kind {kind} flags {flags} x {xBits:x16} x2 {x2Bits:x16} text [{text}]";

    /// <summary>The text form of a frame the real decoder returned; reads it at once, before the buffer moves on.</summary>
    public static string Of(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.DefineSeries:
                var d = frame.ReadDefinition();
                return Define(d.Id, (int)d.Kind, d.Name, d.Format, d.Panel, (int)d.Flags);
            case FrameType.Hello:
                var h = frame.ReadHello();
                return Hello(h.Name, h.Token);
            case FrameType.DefinePlot or FrameType.DefinePanel:
                return Properties((int)frame.Type, frame.SeriesId, frame.ReadProperties().Select(p => (p.Key, p.Value)));
            case FrameType.Points:
                var xs = new double[frame.PointCount];
                var ys = new double[frame.PointCount];
                frame.CopyPoints(xs, ys);
                return Points(frame.SeriesId, xs.Select(BitConverter.DoubleToInt64Bits).ToArray(), ys.Select(BitConverter.DoubleToInt64Bits).ToArray());
            case FrameType.Dropped:
                return Dropped(frame.SeriesId, frame.DroppedTotal);
            case FrameType.Event:
                var e = frame.ReadEvent();
                return Event((int)e.Kind, e.XIsTime ? 1 : 0, BitConverter.DoubleToInt64Bits(e.X), e.X2 is { } x2 ? BitConverter.DoubleToInt64Bits(x2) : 0, e.Text);
            default:
                return Finish;
        }
    }
}
