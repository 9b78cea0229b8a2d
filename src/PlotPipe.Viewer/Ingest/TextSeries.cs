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
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private Batch[] _batches = new Batch[8];
    private int _count;

    /// <summary>Series are defined in <paramref name="store"/> as they are named, as <paramref name="producer"/>'s when given.</summary>
    public TextSeries(PlotStore store, ProducerStore? producer = null)
    {
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

    /// <summary>Defines a line series (text gives no kind; x is expected not to go backwards); returns its id.</summary>
    public int Define(string name)
    {
        if (!HasRoom) throw new InvalidOperationException($"a plot holds at most {ProtocolLimits.MaxSeries} series");
        int id = _count++;
        if (id == _batches.Length) Array.Resize(ref _batches, _batches.Length * 2);
        // Repeated header names each get a series: the ids differ, the lookup finds the first.
        _byName.TryAdd(name, id);
        _batches[id] = new Batch(_store.Define(new SeriesDefinition(id, SeriesKind.Line, Shorten(name), "-"), _producer));
        return id;
    }

    // The legend shows at most what the protocol allows a name; the lookup keeps the whole name.
    private static string Shorten(string name)
    {
        while (Encoding.UTF8.GetByteCount(name) > ProtocolLimits.MaxNameBytes) name = name[..^1];
        return name;
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

    /// <summary>Sends every batched point to the store; returns whether there were any.</summary>
    public bool Flush()
    {
        bool any = false;
        for (int i = 0; i < _count; i++) any |= _batches[i].Flush();
        return any;
    }

    private sealed class Batch(SeriesStore series)
    {
        public readonly double[] Xs = new double[BatchPoints];
        public readonly double[] Ys = new double[BatchPoints];
        public int Count;

        public bool Flush()
        {
            if (Count == 0) return false;
            series.Append(Xs.AsSpan(0, Count), Ys.AsSpan(0, Count));
            Count = 0;
            return true;
        }
    }
}
