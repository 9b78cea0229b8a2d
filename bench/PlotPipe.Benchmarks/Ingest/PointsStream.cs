using System.Buffers;
using PlotPipe.Protocol;

namespace PlotPipe.Benchmarks.Ingest;

/// <summary>A prebuilt producer stream for the ingest benchmarks: one series, many full Points frames of a slow sine.</summary>
internal static class PointsStream
{
    public static byte[] Build(SeriesKind kind, int frames, int framePoints, bool finish)
    {
        var writer = new ArrayBufferWriter<byte>(frames * framePoints * 16 + 4096);
        FrameWriter.WriteHandshake(writer);
        FrameWriter.WriteHello(writer, "bench", token: "");
        FrameWriter.WriteDefineSeries(writer, 0, kind, "bench", kind == SeriesKind.Line ? "b-" : "b.");
        var xs = new double[framePoints];
        var ys = new double[framePoints];
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < framePoints; i++)
            {
                xs[i] = (double)f * framePoints + i;
                ys[i] = Math.Sin(xs[i] * 1e-3);
            }
            FrameWriter.WritePoints(writer, 0, xs, ys);
        }
        if (finish) FrameWriter.WriteFinish(writer);
        return writer.WrittenSpan.ToArray();
    }
}
