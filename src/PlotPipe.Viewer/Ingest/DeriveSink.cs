using System.Runtime.CompilerServices;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Computes the derived series (<c>--derive</c>, or a rule added from the page) from every point their sources
/// receive, before any cap or decimation, and appends them to the store only. It wraps the sink that keeps and records
/// the received points, so the recording keeps what was received and nothing derived, and a producer's points are
/// handed on and derived under that producer's own lock: a rule added while points arrive first derives the points
/// the store holds, under that lock, then every later point, none twice and none missed. Each producer gets its own
/// derived series, made when the leading source's first points arrive; a derived series may read another. What it
/// keeps for a producer is let go once that producer's connection has closed.
/// </summary>
internal sealed class DeriveSink : IPointSink
{
    /// <summary>Most rules one viewer takes, from the command line and the page together.</summary>
    public const int MaxRules = 64;

    // Points taken from a frame or handed on at a time: the buffers a source and a derived series keep.
    private const int Batch = 4096;
    private static readonly object NoProducer = new();
    private readonly PlotStore _store;
    private readonly IPointSink? _inner;
    // Guards the rules, the producers and the making of sources; taken after a producer's lock, never before it.
    private readonly object _gate = new();
    private DeriveRule[] _rules;
    // Bumped with each rule added: a source made before it is made again, with the new rule's place.
    private int _generation;
    private readonly ConditionalWeakTable<SeriesStore, Source> _sources = new();
    private readonly Dictionary<object, Producer> _producers = [];

    /// <summary>
    /// Derives <paramref name="rules"/> into <paramref name="store"/>. Given <paramref name="inner"/>, it hands each
    /// point to it first (the store's sink, and the recording's), and rules may be added later
    /// (<see cref="TryAdd"/>); without it, the caller gives the store the points before this sink.
    /// </summary>
    public DeriveSink(PlotStore store, IReadOnlyList<DeriveRule> rules, IPointSink? inner = null)
    {
        _store = store;
        _rules = [.. rules];
        _inner = inner;
    }

    /// <summary>The rules it derives: those given at start, then those added, in order.</summary>
    public IReadOnlyList<DeriveRule> Rules => Volatile.Read(ref _rules);

    /// <summary>The (producer, rule) states it holds now: each one's program state and its buffers.</summary>
    internal int RunsHeld
    {
        get
        {
            lock (_gate)
            {
                int n = 0;
                foreach (var producer in _producers.Values)
                {
                    foreach (var run in producer.Runs)
                    {
                        if (run is not null) n++;
                    }
                }
                return n;
            }
        }
    }

    /// <summary>The producers it holds state for now.</summary>
    internal int ProducersHeld
    {
        get
        {
            lock (_gate) return _producers.Count;
        }
    }

    /// <summary>
    /// Adds the rule <paramref name="text"/> (<c>NAME = EXPRESSION</c>) while the viewer runs: each producer's
    /// derived series is computed at once from the points the store holds of its sources (the leading series' points
    /// in order, the others' paired by x: the latest at or before each), then from every point that arrives. Null
    /// with <paramref name="problem"/> for a rule that cannot be read (its 1-based position), a name a series or a
    /// rule has already, a rule that would read itself, or one rule too many.
    /// </summary>
    public DeriveRule? TryAdd(string text, out string? problem)
    {
        if (_inner is null) throw new InvalidOperationException("a rule can be added only to a derive sink that hands the points on itself");
        if (DeriveRule.TryRead(text, out problem) is not { } rule) return null;
        var leading = new List<Producer>();
        int index;
        lock (_gate)
        {
            if (_rules.Length >= MaxRules) problem = $"the viewer takes at most {MaxRules} derived series rules";
            // A received series of that name first: a rule of it would say it reads itself, which is less clear.
            foreach (var s in _store.Series)
            {
                if (problem is null && s.Name == rule.Name && !s.Derived) problem = $"a series named {rule.Name} exists already: choose another name";
            }
            problem ??= DeriveRule.ProblemJoining(rule, _rules);
            if (problem is not null) return null;
            // Every series held so far, known by its producer, so the rule can start from their points.
            foreach (var s in _store.Series)
            {
                if (_store.IsBaseline(s)) continue;
                var producer = ProducerFor(KeyOf(s));
                producer.Series.Add(s);
                if (s.Name == rule.Sources[0] && s.Count > 0 && !leading.Contains(producer)) leading.Add(producer);
            }
            index = _rules.Length;
            Volatile.Write(ref _rules, [.. _rules, rule]);
            Volatile.Write(ref _generation, _generation + 1);
        }
        foreach (var producer in leading)
        {
            lock (producer)
            {
                lock (_gate) RunOf(producer, index);
            }
        }
        // A producer that has gone needed its state only for the points it held.
        lock (_gate) Sweep();
        return rule;
    }

    /// <summary>
    /// Starts every rule's state again (an <c>ema</c>'s average, a window, the values held of other series), keeping
    /// the derived series: called once the store has been emptied (<see cref="PlotStore.Rewind"/>, a recording's
    /// timeline seeking back), so the points played again derive exactly what they derived the first time.
    /// </summary>
    public void Rewound()
    {
        Producer[] producers;
        lock (_gate) producers = [.. _producers.Values];
        foreach (var producer in producers)
        {
            lock (producer)
            {
                lock (_gate)
                {
                    for (int r = 0; r < producer.Runs.Length; r++)
                    {
                        if (producer.Runs[r] is { } run) run.Evaluator = new DeriveEvaluator(_rules[r]);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame)
    {
        var producer = ProducerOf(series, out var source);
        lock (producer)
        {
            // Before the points reach the store: a rule's catching up reads the store up to here.
            source = Current(series, producer, source);
            _inner?.Append(series, frame);
            if (source.Uses.Length == 0) return;
            source.Columns ??= (new double[Batch], new double[Batch]);
            var (xs, ys) = source.Columns.Value;
            int total = frame.PointCount;
            for (int done = 0; done < total; done += Batch)
            {
                int n = Math.Min(Batch, total - done);
                Frame.CopyColumn(frame.XBytes.Slice(done * 8L, n * 8L), xs.AsSpan(0, n));
                Frame.CopyColumn(frame.YBytes.Slice(done * 8L, n * 8L), ys.AsSpan(0, n));
                Feed(producer, source, xs.AsSpan(0, n), ys.AsSpan(0, n));
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask WaitForRoomAsync(long points, CancellationToken cancel) => _inner?.WaitForRoomAsync(points, cancel) ?? ValueTask.CompletedTask;

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        var producer = ProducerOf(series, out var source);
        lock (producer)
        {
            source = Current(series, producer, source);
            _inner?.Append(series, xs, ys);
            if (source.Uses.Length == 0) return;
            for (int done = 0; done < xs.Length; done += Batch)
            {
                int n = Math.Min(Batch, xs.Length - done);
                Feed(producer, source, xs.Slice(done, n), ys.Slice(done, n));
            }
        }
    }

    private void Feed(Producer producer, Source source, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length == 0) return;
        foreach (var (run, slot) in source.Uses)
        {
            if (slot > 0)
            {
                run.Evaluator.Hold(slot, ys[^1]);
                continue;
            }
            int n = 0;
            var outX = run.Xs;
            var outY = run.Ys;
            for (int i = 0; i < xs.Length; i++)
            {
                if (!run.Evaluator.TryNext(xs[i], ys[i], out double y)) continue;
                outX[n] = xs[i];
                outY[n] = y;
                n++;
            }
            if (n > 0) Emit(producer, run, n);
        }
    }

    // Appends a run's first n gathered points to its series, which may lead or feed another derived series.
    private void Emit(Producer producer, Run run, int n)
    {
        var derived = run.Series!;
        _sources.TryGetValue(derived, out var known);
        var source = Current(derived, producer, known);
        derived.Append(run.Xs.AsSpan(0, n), run.Ys.AsSpan(0, n));
        Feed(producer, source, run.Xs.AsSpan(0, n), run.Ys.AsSpan(0, n));
    }

    // The producer a series is derived within: from its source when known, else found once.
    private Producer ProducerOf(SeriesStore series, out Source? known)
    {
        if (_sources.TryGetValue(series, out known)) return known.Producer;
        lock (_gate) return ProducerFor(KeyOf(series));
    }

    // Under the producer's lock. Once per series, and again after a rule is added: which derived series it feeds,
    // in which place.
    private Source Current(SeriesStore series, Producer producer, Source? known)
    {
        if (known is not null && known.Generation == Volatile.Read(ref _generation)) return known;
        lock (_gate)
        {
            if (_sources.TryGetValue(series, out known) && known.Generation == _generation) return known;
            producer.Series.Add(series);
            var uses = new List<(Run, int)>();
            for (int r = 0; r < _rules.Length; r++)
            {
                var rule = _rules[r];
                int slot = -1;
                for (int k = 0; k < rule.Sources.Count; k++)
                {
                    if (rule.Sources[k] == series.Name) slot = k;
                }
                if (slot < 0) continue;
                var run = RunOf(producer, r);
                // The leading source's first points make the derived series, in its panel and with its kind of x.
                if (slot == 0) run.Series ??= Define(rule, series, producer);
                uses.Add((run, slot));
            }
            var source = new Source(producer, _generation, [.. uses]) { Columns = known?.Columns };
            _sources.AddOrUpdate(series, source);
            return source;
        }
    }

    // Under the producer's lock and the gate: rule r's state for this producer, made from the points the store holds
    // of its sources when it is new.
    private Run RunOf(Producer producer, int r)
    {
        if (producer.Runs.Length < _rules.Length) Array.Resize(ref producer.Runs, _rules.Length);
        if (producer.Runs[r] is { } run) return run;
        run = new Run(new DeriveEvaluator(_rules[r]));
        producer.Runs[r] = run;
        // Without an inner sink the store has this append's points already, which the caller hands on next.
        if (_inner is not null) CatchUp(producer, _rules[r], run);
        return run;
    }

    // The points held of the rule's sources, derived as if they were arriving now: the leading series' points in order,
    // each other source giving its latest value at or before that x (arrival order between series is not kept), then
    // holding its last one, as it would have after they arrived.
    private void CatchUp(Producer producer, DeriveRule rule, Run run)
    {
        var held = new SeriesStore?[rule.Sources.Count];
        foreach (var s in producer.Series)
        {
            for (int k = 0; k < held.Length; k++)
            {
                if (rule.Sources[k] == s.Name && s.Count > 0) held[k] = s;
            }
        }
        var others = new HeldPoints?[held.Length];
        for (int k = 1; k < held.Length; k++) others[k] = held[k]?.Snapshot() is { Count: > 0 } other ? new HeldPoints(other) : null;
        if (held[0] is { } leading)
        {
            run.Series ??= Define(rule, leading, producer);
            var snapshot = leading.Snapshot();
            var xs = new double[snapshot.ChunkPoints];
            var ys = new double[snapshot.ChunkPoints];
            int n = 0;
            for (int c = 0; c < snapshot.ChunkCount; c++)
            {
                int count = snapshot.CountIn(c);
                // The producer's appends wait on its lock, so no chunk of this snapshot is filled again meanwhile.
                snapshot.Chunks[c].Read(0, xs.AsSpan(0, count), ys.AsSpan(0, count));
                for (int i = 0; i < count; i++)
                {
                    for (int k = 1; k < held.Length; k++)
                    {
                        while (others[k] is { } other && other.TryPeekX(out double x) && x <= xs[i]) run.Evaluator.Hold(k, other.Take());
                    }
                    if (!run.Evaluator.TryNext(xs[i], ys[i], out double y)) continue;
                    run.Xs[n] = xs[i];
                    run.Ys[n] = y;
                    if (++n == Batch)
                    {
                        Emit(producer, run, n);
                        n = 0;
                    }
                }
            }
            if (n > 0) Emit(producer, run, n);
        }
        for (int k = 1; k < held.Length; k++)
        {
            if (others[k] is { } other) run.Evaluator.Hold(k, other.Last);
        }
    }

    private SeriesStore Define(DeriveRule rule, SeriesStore from, Producer producer)
    {
        var d = from.Definition;
        return _store.DefineDerived(new SeriesDefinition(-1, d.Kind, rule.Name, d.Kind == SeriesKind.Line ? "-" : "o", d.Panel, d.Flags),
            producer.Key as ProducerStore, rule.Expression, rule.Smooths ? from : null);
    }

    // Under the gate.
    private Producer ProducerFor(object key)
    {
        if (_producers.TryGetValue(key, out var producer)) return producer;
        // A new producer is when the state of those gone is let go, so it never piles up beyond the live ones.
        Sweep();
        producer = new Producer(key, _rules.Length);
        _producers.Add(key, producer);
        return producer;
    }

    // Under the gate. A producer whose connection closed sends nothing more: its derived series stay in the store
    // (leaving with it as its own series do), and its program state, buffers and sources go.
    private void Sweep()
    {
        List<object>? gone = null;
        foreach (var key in _producers.Keys)
        {
            if (key is ProducerStore { Closed: true }) (gone ??= []).Add(key);
        }
        if (gone is null) return;
        foreach (var key in gone)
        {
            foreach (var s in _producers[key].Series) _sources.Remove(s);
            _producers.Remove(key);
        }
    }

    private object KeyOf(SeriesStore series)
    {
        if (series.DerivedFrom is { } from) return from;
        foreach (var p in _store.ProducerStates)
        {
            if (p.Owns(series)) return p;
        }
        return NoProducer;
    }

    // A snapshot's points in order, read a chunk at a time: a point read alone may decode its whole block.
    private sealed class HeldPoints(SeriesSnapshot snapshot)
    {
        private readonly double[] _xs = new double[snapshot.ChunkPoints];
        private readonly double[] _ys = new double[snapshot.ChunkPoints];
        private int _chunk = -1;
        private int _count;
        private int _at;

        // Made only for a snapshot with points; the producer's appends wait on its lock, so no chunk is filled again meanwhile.
        public double Last => snapshot.Y(snapshot.Count - 1);

        public bool TryPeekX(out double x)
        {
            if (_at == _count)
            {
                if (_chunk + 1 >= snapshot.ChunkCount)
                {
                    x = 0;
                    return false;
                }
                _chunk++;
                _count = snapshot.CountIn(_chunk);
                snapshot.Chunks[_chunk].Read(0, _xs.AsSpan(0, _count), _ys.AsSpan(0, _count));
                _at = 0;
            }
            x = _xs[_at];
            return true;
        }

        public double Take() => _ys[_at++];
    }

    // One producer: its lock, its rules' states by rule, and the series of it this sink has seen.
    private sealed class Producer(object key, int rules)
    {
        public object Key { get; } = key;

        public Run?[] Runs = new Run?[rules];

        public HashSet<SeriesStore> Series { get; } = new(ReferenceEqualityComparer.Instance);
    }

    // One source series: its producer, the derived series it feeds and, for frames, the columns it is read into.
    private sealed class Source(Producer producer, int generation, (Run Run, int Slot)[] uses)
    {
        public Producer Producer { get; } = producer;

        public int Generation { get; } = generation;

        public (Run Run, int Slot)[] Uses { get; } = uses;

        public (double[] Xs, double[] Ys)? Columns { get; set; }
    }

    // One rule for one producer: its state, its series, and the columns its points are gathered in.
    private sealed class Run(DeriveEvaluator evaluator)
    {
        public DeriveEvaluator Evaluator { get; set; } = evaluator;

        public SeriesStore? Series { get; set; }

        public double[] Xs { get; } = new double[Batch];

        public double[] Ys { get; } = new double[Batch];
    }
}
