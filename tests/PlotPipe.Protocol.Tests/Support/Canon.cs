namespace PlotPipe.Protocol.Tests.Support;

/// <summary>One text form per decoded frame, with doubles as raw bits, so two decoders compare bit for bit.</summary>
public static class Canon
{
    public const string Finish = "finish";

    public static string Define(int id, int kind, string name, string format) => $"define {id} kind {kind} name [{name}] format [{format}]";

    public static string Points(int id, long[] xBits, long[] yBits) =>
        $"points {id} x [{string.Join(' ', xBits.Select(v => v.ToString("x16")))}] y [{string.Join(' ', yBits.Select(v => v.ToString("x16")))}]";

    public static string Dropped(int id, long total) => $"dropped {id} {total}";

    /// <summary>The text form of a frame the real decoder returned; reads it at once, before the buffer moves on.</summary>
    public static string Of(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.DefineSeries:
                var d = frame.ReadDefinition();
                return Define(d.Id, (int)d.Kind, d.Name, d.Format);
            case FrameType.Points:
                var xs = new double[frame.PointCount];
                var ys = new double[frame.PointCount];
                frame.CopyPoints(xs, ys);
                return Points(frame.SeriesId, xs.Select(BitConverter.DoubleToInt64Bits).ToArray(), ys.Select(BitConverter.DoubleToInt64Bits).ToArray());
            case FrameType.Dropped:
                return Dropped(frame.SeriesId, frame.DroppedTotal);
            default:
                return Finish;
        }
    }
}
