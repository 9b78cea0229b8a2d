using System.Buffers;
using PlotPipe.Protocol;

namespace PlotPipe.Tests.Support;

/// <summary>What a stream of frames delivered, decoded with the viewer's own decoder: points per series, dropped totals, finish.</summary>
public sealed class Received
{
    public Dictionary<int, SeriesDefinition> Definitions { get; } = new();
    public Dictionary<int, List<double>> Xs { get; } = new();
    public Dictionary<int, List<double>> Ys { get; } = new();
    public Dictionary<int, long> Dropped { get; } = new();
    public List<KeyValuePair<string, string>>? Plot { get; private set; }
    public Dictionary<int, List<KeyValuePair<string, string>>> Panels { get; } = new();
    /// <summary>Every frame's type and id (series id, or panel id for DefinePanel), in order.</summary>
    public List<(FrameType Type, int Id)> Order { get; } = new();
    public bool Finished { get; private set; }
    public bool FinishWasLast { get; private set; }

    public static Received Decode(byte[] bytes)
    {
        var r = new Received();
        var seq = new ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder();
        while (decoder.TryReadFrame(ref seq, out var frame))
        {
            r.FinishWasLast = false;
            r.Order.Add((frame.Type, frame.Type == FrameType.DefinePanel ? frame.PanelId : frame.SeriesId));
            switch (frame.Type)
            {
                case FrameType.DefinePlot:
                    r.Plot = [.. frame.ReadProperties()];
                    break;
                case FrameType.DefinePanel:
                    r.Panels[frame.PanelId] = [.. frame.ReadProperties()];
                    break;
                case FrameType.DefineSeries:
                    var d = frame.ReadDefinition();
                    r.Definitions[d.Id] = d;
                    r.Xs[d.Id] = new();
                    r.Ys[d.Id] = new();
                    break;
                case FrameType.Points:
                    var xs = new double[frame.PointCount];
                    var ys = new double[frame.PointCount];
                    frame.CopyPoints(xs, ys);
                    r.Xs[frame.SeriesId].AddRange(xs);
                    r.Ys[frame.SeriesId].AddRange(ys);
                    break;
                case FrameType.Dropped:
                    r.Dropped[frame.SeriesId] = frame.DroppedTotal;
                    break;
                case FrameType.Finish:
                    r.Finished = true;
                    r.FinishWasLast = true;
                    break;
            }
        }
        if (!seq.IsEmpty) throw decoder.Truncated(seq);
        return r;
    }

    public int Count(int series) => Xs.TryGetValue(series, out var xs) ? xs.Count : 0;
}
