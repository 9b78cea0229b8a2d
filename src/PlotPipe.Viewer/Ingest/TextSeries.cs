using System.Globalization;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// The series text input has named so far, each with a small batch of points that goes to the store in one
/// append: when full, and at the end of every read, so a line that arrived is visible at once.
/// </summary>
internal sealed class TextSeries
{
    private const int BatchPoints = 4096;
    private readonly PlotStore _store;
    private readonly ProducerStore? _producer;
    private readonly IPointSink _sink;
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly Dictionary<string, int> _panelOf = new(StringComparer.Ordinal);
    private Batch[] _batches = new Batch[8];
    private int _count;
    private TextOptions? _options;
    // The series with the least and the greatest first value (in size, zero aside) in the default panel, and whether
    // their spread has been told.
    private (string Name, double Size) _least = ("", double.PositiveInfinity), _greatest = ("", 0);
    private bool _spreadTold;
    private string? _xLabel;
    private long _ownVersion;

    /// <summary>
    /// Series are defined in <paramref name="store"/> as they are named, as <paramref name="producer"/>'s when given;
    /// their points go to <paramref name="sink"/> (by default the store's series alone).
    /// </summary>
    public TextSeries(PlotStore store, ProducerStore? producer = null, IPointSink? sink = null)
    {
        _sink = sink ?? StoreSink.Instance;
        _store = store;
        _producer = producer;
        _byChars = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Series defined so far.</summary>
    public int Count => _count;

    /// <summary>Whether another series may be defined (a plot holds at most <see cref="ProtocolLimits.MaxSeries"/>).</summary>
    public bool HasRoom => _count < ProtocolLimits.MaxSeries;

    /// <summary>The series named <paramref name="name"/>, or -1 when none is.</summary>
    public int Find(ReadOnlySpan<char> name) => _byChars.TryGetValue(name, out int id) ? id : -1;

    /// <summary>
    /// Defines the plot <paramref name="options"/> ask for: its title and labels, and the panels named with
    /// <c>--panel</c> (ids 1, 2, ... in order), which the series named in them are drawn in.
    /// </summary>
    public void Shape(TextOptions options)
    {
        _options = options;
        for (int i = 0; i < options.Panels.Count; i++)
        {
            foreach (var name in options.Panels[i].Names) _panelOf.TryAdd(name, i + 1);
        }
        if (options.Title is not null || options.XLabel is not null || options.YLabel is not null || options.Panels.Count > 0)
            DefinePlot(options.XLabel);
    }

    /// <summary>Labels the x axis <paramref name="label"/> (the x column's name, "line" or "time") unless <c>--xlabel</c> gave one.</summary>
    public void LabelX(string label)
    {
        // Only over what text defined itself: a producer beside it (--listen) that defined the plot keeps its labels.
        if (_options is { XLabel: null } && _xLabel != label && _store.Plot.Version == _ownVersion) DefinePlot(label);
    }

    private void DefinePlot(string? xLabel)
    {
        _xLabel = xLabel;
        var options = _options!;
        var plot = _store.Plot;
        // Another producer (--listen) may have named the plot: text without --title keeps that name.
        List<KeyValuePair<string, string>> properties = [new(PlotProperties.Title, options.Title ?? plot.Title)];
        if (xLabel is not null) properties.Add(new(PlotProperties.XLabel, xLabel));
        if (options.YLabel is not null) properties.Add(new(PlotProperties.YLabel, options.YLabel));
        plot.DefinePlot(properties);
        for (int i = 0; i < options.Panels.Count; i++)
        {
            var panel = options.Panels[i];
            List<KeyValuePair<string, string>> own = [new(PlotProperties.Title, panel.Title)];
            if (panel.LogY) own.Add(new(PlotProperties.YScale, "log"));
            if (xLabel is not null) own.Add(new(PlotProperties.XLabel, xLabel));
            plot.DefinePanel(i + 1, own);
        }
        _ownVersion = plot.Version;
    }

    /// <summary>
    /// Defines a line series (text gives no kind; x is expected not to go backwards), with x as time when
    /// <paramref name="xIsTime"/>, in the panel <c>--panel</c> put its name in; returns its id. Its first value,
    /// <paramref name="first"/>, is weighed against the other series' in the default panel (<see cref="Spread"/>).
    /// </summary>
    public int Define(string name, bool xIsTime, double first = double.NaN)
    {
        if (!HasRoom) throw new InvalidOperationException($"a plot holds at most {ProtocolLimits.MaxSeries} series");
        int id = _count++;
        if (id == _batches.Length) Array.Resize(ref _batches, _batches.Length * 2);
        // Repeated header names each get a series: the ids differ, the lookup finds the first.
        _byName.TryAdd(name, id);
        int panel = _panelOf.TryGetValue(name, out int p) ? p : 0;
        double size = Math.Abs(first);
        if (panel == 0 && size > 0 && !double.IsInfinity(size))
        {
            if (size < _least.Size) _least = (name, size);
            if (size > _greatest.Size) _greatest = (name, size);
        }
        var definition = new SeriesDefinition(id, SeriesKind.Line, Shorten(name), "-", panel, xIsTime ? SeriesFlags.TimeX : SeriesFlags.None);
        _batches[id] = new Batch(_store.Define(definition, _producer), _sink);
        return id;
    }

    /// <summary>How the line <see cref="Spread"/> gives ends.</summary>
    public const string SpreadAdvice = "gives series a panel of their own";

    /// <summary>How many times the greatest first value in the default panel may be the least before <see cref="Spread"/> says so.</summary>
    public const double FlatSpread = 1000;

    /// <summary>
    /// Once, with no <c>--panel</c> given, when the series in the default panel start <see cref="FlatSpread"/> or more
    /// times apart (vmstat's free memory and its CPU percentages, a board's ADC counts and its current): the line
    /// saying that the smaller ones draw flat, and how to part them. Null otherwise.
    /// </summary>
    public string? Spread()
    {
        if (_spreadTold || _options is not { Panels.Count: 0 } || _greatest.Size < FlatSpread * _least.Size) return null;
        _spreadTold = true;
        string greatest = TextNumbers.Shown(_greatest.Name), least = TextNumbers.Shown(_least.Name);
        return string.Create(CultureInfo.InvariantCulture,
            $"\"{greatest}\" starts at {_greatest.Size} and \"{least}\" at {_least.Size}, on one y axis: the smaller series draw flat; --panel \"TITLE={greatest},...\" {SpreadAdvice}");
    }

    /// <summary>A name as the legend shows it: at most the bytes the protocol allows a name, never half a character.</summary>
    public static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= ProtocolLimits.MaxNameBytes) return name;
        int bytes = 0, end = 0;
        while (end < name.Length)
        {
            int width = char.IsHighSurrogate(name[end]) && end + 1 < name.Length && char.IsLowSurrogate(name[end + 1]) ? 2 : 1;
            int more = Encoding.UTF8.GetByteCount(name.AsSpan(end, width));
            if (bytes + more > ProtocolLimits.MaxNameBytes) break;
            bytes += more;
            end += width;
        }
        return name[..end];
    }

    /// <summary>Adds one point to series <paramref name="id"/>.</summary>
    public void Add(int id, double x, double y)
    {
        var b = _batches[id];
        int n = b.Count;
        b.Xs[n] = x;
        b.Ys[n] = y;
        b.Count = n + 1;
        if (n + 1 == BatchPoints) b.Flush();
    }

    /// <summary>Keeps a marker from this input in the store's events (a line with the <c>--events</c> field).</summary>
    public void Mark(double x, bool xIsTime, string text)
    {
        _store.Events.Add(new PlotEvent(EventKind.Mark, x, null, xIsTime, text), _producer?.Name ?? "stdin");
        _marked = true;
    }

    private bool _marked;

    /// <summary>Sends every batched point to the store; returns whether there were any (or a marker came since the last flush).</summary>
    public bool Flush()
    {
        bool any = _marked;
        _marked = false;
        for (int i = 0; i < _count; i++) any |= _batches[i].Flush();
        return any;
    }

    private sealed class Batch(SeriesStore series, IPointSink sink)
    {
        public readonly double[] Xs = new double[BatchPoints];
        public readonly double[] Ys = new double[BatchPoints];
        public int Count;

        public bool Flush()
        {
            if (Count == 0) return false;
            sink.Append(series, Xs.AsSpan(0, Count), Ys.AsSpan(0, Count));
            Count = 0;
            return true;
        }
    }
}
