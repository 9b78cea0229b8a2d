using System.Diagnostics;
using System.Text.Json;
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
    /// Loads <paramref name="input"/> into <paramref name="store"/>, only points with <paramref name="from"/> ≤ x ≤
    /// <paramref name="to"/>; returns the points loaded and how long it took.
    /// </summary>
    public static (long Points, TimeSpan Elapsed, bool Truncated) Load(Stream input, PlotStore store, double from = double.NegativeInfinity, double to = double.PositiveInfinity)
    {
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
            if (batch.Definitions is { } definitions) Define(definitions, store, producers, bySeries);
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
                var target = bySeries[id] ??= store.Define(new SeriesDefinition(FreeId(store), SeriesKind.Scatter, batch.Labels[id], "o"));
                if (all)
                {
                    target.Append(xs[at..end], ys[at..end]);
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
                    target.Append(keptX.AsSpan(0, n), keptY.AsSpan(0, n));
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

    private static void Define(string json, PlotStore store, Dictionary<string, ProducerStore> producers, List<SeriesStore?> bySeries)
    {
        var plot = JsonSerializer.Deserialize(json, RecordingJson.Default.RecordedPlot) ?? throw new InvalidDataException("empty plot definitions");
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
            var definition = new SeriesDefinition(s.Id, s.Kind == "line" ? SeriesKind.Line : SeriesKind.Scatter, s.Name, s.Format, s.Panel, (SeriesFlags)s.Flags);
            bySeries[i] = store.Define(definition, producers.GetValueOrDefault(s.Producer));
        }
    }
}
