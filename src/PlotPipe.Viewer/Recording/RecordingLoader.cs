using System.Diagnostics;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Opens a recording as a finished plot: its producers, series and plot definition as recorded, then every point,
/// appended run by run (a batch holds long runs of one series), so loading costs little more than reading the file.
/// </summary>
internal static class RecordingLoader
{
    /// <summary>
    /// Opens <paramref name="input"/> (named <paramref name="name"/>) into <paramref name="store"/> as <c>plotpipe view
    /// run.arrow</c> does and returns the line to report. A file that cannot be read leaves the store and every
    /// producer the file defined disconnected, with the reason as the error, keeping the points read before it.
    /// </summary>
    public static string Open(string name, Stream input, PlotStore store, IPointSink? sink = null)
    {
        string why;
        try
        {
            var (points, elapsed, _) = Load(input, store, sink: sink);
            return $"opened {name}: {points} points in {elapsed.TotalSeconds:0.000} s ({points / Math.Max(elapsed.TotalSeconds, 1e-9) / 1e6:0.0} M points/s)";
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            why = $"cannot open {name} as a recording: {e.Message.ReplaceLineEndings(" ")}";
        }
        catch (Exception e)
        {
            // A reader bug must still not take the viewer down, nor quote the runtime at the user.
            why = $"cannot open {name} as a recording: reading it failed unexpectedly ({e.GetType().Name}); please report this with the file";
        }
        foreach (var p in store.ProducerStates)
        {
            if (p.State == StreamState.Streaming) store.SetState(StreamState.Disconnected, why, p);
        }
        store.SetState(StreamState.Disconnected, why);
        return why;
    }

    /// <summary>
    /// Loads <paramref name="input"/> into <paramref name="store"/>, only points with <paramref name="from"/> ≤ x ≤
    /// <paramref name="to"/>; returns the points loaded and how long it took. Throws <see cref="InvalidDataException"/>
    /// (what is wrong and where, in plain words) for a file that is not a readable recording, or <see cref="IOException"/>.
    /// Points go to <paramref name="sink"/> (by default the store's series alone; with <c>--record</c>, a new recording too).
    /// </summary>
    public static (long Points, TimeSpan Elapsed, bool Truncated) Load(Stream input, PlotStore store, double from = double.NegativeInfinity, double to = double.PositiveInfinity, IPointSink? sink = null)
    {
        sink ??= StoreSink.Instance;
        bool all = double.IsNegativeInfinity(from) && double.IsPositiveInfinity(to);
        double[] keptX = [], keptY = [];
        long start = Stopwatch.GetTimestamp();
        var reader = new RecordingReader(input);
        var bySeries = new List<SeriesStore?>();
        var producers = new Dictionary<string, ProducerStore>();
        long points = 0;
        // Reading the next batch from the file overlaps appending this one to the store (two copies, two cores).
        var next = Task.Run(reader.Next);
        while (next.GetAwaiter().GetResult())
        {
            var batch = reader.Current;
            next = Task.Run(reader.Next);
            if (batch.Plot is { } plot) Define(plot, store, producers, bySeries);
            var series = batch.Series;
            var xs = batch.X;
            var ys = batch.Y;
            int at = 0;
            while (at < series.Length)
            {
                int id = series[at];
                int end = at + 1;
                while (end < series.Length && series[end] == id) end++;
                while (bySeries.Count <= id) bySeries.Add(null);
                // A row whose series the definitions never named keeps its points under its column value.
                var target = bySeries[id] ??= store.Define(new SeriesDefinition(FreeId(store), SeriesKind.Scatter, NameOf(batch.Labels[id], id), "o"));
                if (all)
                {
                    sink.Append(target, xs[at..end], ys[at..end]);
                    points += end - at;
                }
                else
                {
                    if (keptX.Length < end - at)
                    {
                        keptX = new double[RecordingFormat.BatchRows];
                        keptY = new double[RecordingFormat.BatchRows];
                        if (keptX.Length < end - at) (keptX, keptY) = (new double[end - at], new double[end - at]);
                    }
                    int n = 0;
                    for (int i = at; i < end; i++)
                    {
                        if (!(xs[i] >= from && xs[i] <= to)) continue;
                        keptX[n] = xs[i];
                        keptY[n++] = ys[i];
                    }
                    sink.Append(target, keptX.AsSpan(0, n), keptY.AsSpan(0, n));
                    points += n;
                }
                at = end;
            }
        }
        foreach (var p in store.ProducerStates) store.SetState(StreamState.Finished, producer: p);
        store.SetState(StreamState.Finished, reader.Truncated ? "the recording ends mid-batch (its writer was stopped): opened up to its last whole batch" : null);
        return (points, Stopwatch.GetElapsedTime(start), reader.Truncated);
    }

    private static int FreeId(PlotStore store)
    {
        for (int id = 0; id < ProtocolLimits.MaxSeries; id++)
        {
            if (store.Find(id) is null) return id;
        }
        throw new InvalidDataException($"more than {ProtocolLimits.MaxSeries} series without definitions");
    }

    // A column value as a series name: as a live stream's names, 1 to 200 bytes.
    private static string NameOf(string label, int index)
    {
        if (label.Length == 0) return $"series {index}";
        while (Encoding.UTF8.GetByteCount(label) > ProtocolLimits.MaxNameBytes) label = label[..^1];
        return label;
    }

    private static void Define(RecordedPlot plot, PlotStore store, Dictionary<string, ProducerStore> producers, List<SeriesStore?> bySeries)
    {
        store.Plot.DefinePlot([new(PlotProperties.Title, plot.Title)]);
        foreach (var p in plot.Panels)
        {
            var properties = new List<KeyValuePair<string, string>>();
            if (p.Title is not null) properties.Add(new(PlotProperties.Title, p.Title));
            if (p.XLabel is not null) properties.Add(new(PlotProperties.XLabel, p.XLabel));
            if (p.YLabel is not null) properties.Add(new(PlotProperties.YLabel, p.YLabel));
            properties.Add(new(PlotProperties.XScale, p.XScale));
            properties.Add(new(PlotProperties.YScale, p.YScale));
            properties.Add(new(PlotProperties.LinkX, p.LinkX ? "true" : "false"));
            store.Plot.DefinePanel(p.Id, properties);
        }
        foreach (var p in plot.Producers)
        {
            if (!producers.ContainsKey(p.Name)) producers[p.Name] = store.AddProducer(p.Name, p.Address);
        }
        for (int i = 0; i < plot.Series.Count; i++)
        {
            while (bySeries.Count <= i) bySeries.Add(null);
            if (bySeries[i] is not null) continue;
            var s = plot.Series[i];
            // A live stream defines a panel before its series; a recording that names an undefined one gets it with defaults.
            if (!HasPanel(store, s.Panel)) store.Plot.DefinePanel(s.Panel, []);
            var definition = new SeriesDefinition(s.Id, s.Kind == "line" ? SeriesKind.Line : SeriesKind.Scatter, s.Name, s.Format, s.Panel, (SeriesFlags)s.Flags);
            bySeries[i] = store.Define(definition, producers.GetValueOrDefault(s.Producer));
        }
    }

    private static bool HasPanel(PlotStore store, int id)
    {
        foreach (var p in store.Plot.Panels)
        {
            if (p.Id == id) return true;
        }
        return false;
    }
}
