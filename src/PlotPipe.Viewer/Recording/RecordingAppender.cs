using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Puts a recording's batches into a store, one after another: its plot definition and producers as recorded (or,
/// for a baseline, each recorded run's series under a baseline producer, x shifted by <see cref="XOffset"/>), then each
/// batch's points, run by run. It remembers which series each column value became, so a recording played again from
/// its start after <see cref="PlotStore.Rewind"/> fills the same series.
/// </summary>
internal sealed class RecordingAppender
{
    private readonly PlotStore _store;
    // For a baseline: the baseline producer that holds a recorded run's series (by the run's name), and the names
    // each already uses.
    private readonly Func<string, ProducerStore>? _baseline;
    private readonly Dictionary<ProducerStore, HashSet<string>> _baselineNames = [];
    private readonly Dictionary<string, ProducerStore> _producers = [];
    private readonly List<SeriesStore?> _bySeries = [];
    private double[] _keptX = [], _keptY = [];
    // Series a later definition replaced in the store: played again, their points would go nowhere anyone sees.
    private HashSet<SeriesStore> _replaced = [];

    /// <summary>
    /// Appends into <paramref name="store"/>; with <paramref name="baseline"/>, each series goes to the baseline
    /// producer it gives for the series' recorded run (its producer's name; "" for a series the definitions never named).
    /// </summary>
    public RecordingAppender(PlotStore store, Func<string, ProducerStore>? baseline = null)
    {
        _store = store;
        _baseline = baseline;
    }

    /// <summary>Added to every x of a baseline (a time axis' recording moved to meet the live run); 0 otherwise.</summary>
    public double XOffset { get; set; }

    /// <summary>Keeps only points with <see cref="From"/> ≤ x ≤ <see cref="To"/> (before the offset).</summary>
    public double From { get; init; } = double.NegativeInfinity;

    /// <summary>See <see cref="From"/>.</summary>
    public double To { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Told the derived series rules the recording holds whenever a batch's definitions carry some (the whole list in
    /// force then), before that batch's points are appended, so the points are derived as they were live.
    /// </summary>
    public Action<IReadOnlyList<RecordedRule>>? RulesDefined { get; init; }

    /// <summary>Every producer the recording named, as registered (none for a baseline).</summary>
    public IEnumerable<ProducerStore> Producers => _producers.Values;

    /// <summary>
    /// Notes the series a later definition replaced, which are no longer in the store: their points are passed over,
    /// as the end of the run left them (gone from the plot). Called when definitions arrive, and after
    /// <see cref="PlotStore.Rewind"/> before the recording is read again from its start.
    /// </summary>
    public void Rewound()
    {
        var held = new HashSet<SeriesStore>(_store.Series);
        _replaced = [];
        foreach (var s in _bySeries)
        {
            if (s is not null && !held.Contains(s)) _replaced.Add(s);
        }
    }

    /// <summary>Appends <paramref name="batch"/>'s points through <paramref name="sink"/>; returns how many were kept.</summary>
    public long Append(in RecordingBatch batch, IPointSink sink)
    {
        if (batch.Plot is { } plot)
        {
            Define(plot);
            Rewound();
            if (plot.Derived is { Count: > 0 } rules && _baseline is null) RulesDefined?.Invoke(rules);
        }
        // A baseline's markers are its own run's, not the live plot's: only a recording opened or replayed shows them.
        if (batch.Events is { } markers && _baseline is null)
        {
            foreach (var (marker, producer, alert) in markers) _store.Events.Add(marker, producer, alert);
        }
        bool all = double.IsNegativeInfinity(From) && double.IsPositiveInfinity(To) && XOffset == 0;
        var series = batch.Series;
        var xs = batch.X;
        var ys = batch.Y;
        long points = 0;
        int at = 0;
        while (at < series.Length)
        {
            int id = series[at];
            int end = at + 1;
            while (end < series.Length && series[end] == id) end++;
            while (_bySeries.Count <= id) _bySeries.Add(null);
            // A row whose series the definitions never named keeps its points under its column value.
            var target = _bySeries[id] ??= DefineUnnamed(batch.Labels[id], id);
            if (_replaced.Count > 0 && _replaced.Contains(target))
            {
                at = end;
                continue;
            }
            if (all)
            {
                sink.Append(target, xs[at..end], ys[at..end]);
                points += end - at;
            }
            else
            {
                if (_keptX.Length < end - at)
                {
                    _keptX = new double[Math.Max(RecordingFormat.BatchRows, end - at)];
                    _keptY = new double[_keptX.Length];
                }
                int n = 0;
                for (int i = at; i < end; i++)
                {
                    if (!(xs[i] >= From && xs[i] <= To)) continue;
                    _keptX[n] = xs[i] + XOffset;
                    _keptY[n++] = ys[i];
                }
                sink.Append(target, _keptX.AsSpan(0, n), _keptY.AsSpan(0, n));
                points += n;
            }
            at = end;
        }
        return points;
    }

    private SeriesStore DefineUnnamed(string label, int index)
    {
        if (_baseline is not null) return _store.Define(new SeriesDefinition(index, SeriesKind.Scatter, NameOf(label, index), "o"), _baseline(""));
        return _store.Define(new SeriesDefinition(FreeId(_store), SeriesKind.Scatter, NameOf(label, index), "o"));
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

    private void Define(RecordedPlot plot)
    {
        // A baseline is drawn in the live plot: it brings its panels only where the live plot has none of that id.
        if (_baseline is null)
        {
            _store.Plot.DefinePlot([new(PlotProperties.Title, plot.Title)]);
            foreach (var p in plot.Panels) _store.Plot.DefinePanel(p.Id, PropertiesOf(p));
            foreach (var p in plot.Producers)
            {
                if (!_producers.ContainsKey(p.Name)) _producers[p.Name] = _store.AddProducer(p.Name, p.Address);
            }
        }
        for (int i = 0; i < plot.Series.Count; i++)
        {
            while (_bySeries.Count <= i) _bySeries.Add(null);
            if (_bySeries[i] is not null) continue;
            var s = plot.Series[i];
            // A live stream defines a panel before its series; a recording that names an undefined one gets it with defaults.
            if (!HasPanel(_store, s.Panel)) _store.Plot.DefinePanel(s.Panel, plot.Panels.Find(p => p.Id == s.Panel) is { } recorded ? PropertiesOf(recorded) : []);
            var kind = s.Kind == "line" ? SeriesKind.Line : SeriesKind.Scatter;
            _bySeries[i] = _baseline is not null
                ? DefineBaseline(s, i, kind)
                : _store.Define(new SeriesDefinition(s.Id, kind, s.Name, s.Format, s.Panel, (SeriesFlags)s.Flags), _producers.GetValueOrDefault(s.Producer));
        }
    }

    // A baseline's series under its run's baseline producer, by its own name, so it takes the colour of the live
    // series of that name; the recording's unique label where the producer holds that name already (one run's
    // recording of two producers, or a name defined twice). Its id is the column value, unique in the recording
    // where the wire ids of two producers are not.
    private SeriesStore DefineBaseline(RecordedSeries s, int column, SeriesKind kind)
    {
        var producer = _baseline!(s.Producer);
        if (!_baselineNames.TryGetValue(producer, out var names)) _baselineNames[producer] = names = [];
        string name = names.Add(s.Name) ? s.Name : s.Label;
        names.Add(name);
        return _store.Define(new SeriesDefinition(column, kind, name, s.Format, s.Panel, (SeriesFlags)s.Flags), producer);
    }

    private static List<KeyValuePair<string, string>> PropertiesOf(RecordedPanel p)
    {
        var properties = new List<KeyValuePair<string, string>>();
        if (p.Title is not null) properties.Add(new(PlotProperties.Title, p.Title));
        if (p.XLabel is not null) properties.Add(new(PlotProperties.XLabel, p.XLabel));
        if (p.YLabel is not null) properties.Add(new(PlotProperties.YLabel, p.YLabel));
        properties.Add(new(PlotProperties.XScale, p.XScale));
        properties.Add(new(PlotProperties.YScale, p.YScale));
        properties.Add(new(PlotProperties.LinkX, p.LinkX ? "true" : "false"));
        return properties;
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
