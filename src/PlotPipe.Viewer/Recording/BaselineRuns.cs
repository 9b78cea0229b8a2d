using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Recordings shown as baselines under the live runs (<c>--baseline run.arrow</c>, or a file sent from the page):
/// each is one baseline producer of the store (<see cref="PlotStore.AddBaseline"/>), so its series are drawn and
/// listed but never count as live data and never go to <c>--record</c>. x is as recorded, moved by an offset: for a
/// time axis, by default the one that puts the baseline's first point on the live run's first point (known once a
/// live time series has a point); the page can set another. A new offset empties its series and reads it again.
/// </summary>
internal sealed class BaselineRuns : IAsyncDisposable
{
    private readonly PlotStore _store;
    private readonly Action<string> _report;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Run> _runs = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _aligning;
    // The live run's first x on a time axis, once seen: kept, so evicting the oldest live points moves no baseline.
    private double _liveStartX = double.NaN;

    /// <summary>Loads baselines into <paramref name="store"/>; <paramref name="report"/> takes a line per baseline opened or refused.</summary>
    public BaselineRuns(PlotStore store, Action<string> report)
    {
        _store = store;
        _report = report;
    }

    /// <summary>The largest recording the page may send (<c>POST /api/baselines</c>): 256 MiB, about 16 million points.</summary>
    public const long MaxUploadBytes = 256L << 20;

    /// <summary>
    /// Opens the recording <paramref name="open"/> gives (again for each reload) as the baseline named
    /// <paramref name="name"/> (made unique with " (2)", " (3)"...); returns the name it got. Throws
    /// <see cref="InvalidDataException"/> (what is wrong, where) for a file that is not a recording, and then holds nothing of it.
    /// </summary>
    public async Task<string> AddAsync(string name, Func<Stream> open, CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            // Read through once before it becomes a producer: a file damaged anywhere leaves no baseline behind. The
            // runs it recorded (the producers of its series) are noted on the way.
            var recorded = new List<string>();
            using (var check = open())
            {
                var reader = new RecordingReader(check);
                while (reader.Next())
                {
                    if (reader.Current.Plot is not { } plot) continue;
                    foreach (var s in plot.Series)
                    {
                        if (!recorded.Contains(s.Producer)) recorded.Add(s.Producer);
                    }
                }
            }
            name = Unique(Clean(name));
            var run = new Run(name, open, _store, ProducersFor(name, recorded));
            lock (_runs) _runs.Add(run);
            long points = Load(run);
            _report($"baseline {name}: {points} points{(run.IsTime ? ", aligned on start time" : "")}");
            if (run.IsTime) _aligning ??= Task.Run(AlignLoopAsync);
            return name;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves the baseline <paramref name="name"/> by <paramref name="seconds"/> on x (null: back to the default, which
    /// meets the live run's start on a time axis, 0 otherwise). False when no baseline has that name.
    /// </summary>
    public async Task<bool> SetOffsetAsync(string name, double? seconds, CancellationToken cancel = default)
    {
        if (seconds is { } s && !double.IsFinite(s)) throw new ArgumentException($"offset {s} is not a number of seconds", nameof(seconds));
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var run = _runs.Find(r => r.Name == name);
            if (run is null) return false;
            run.Manual = seconds;
            if (OffsetOf(run) != run.Appender.XOffset) Load(run);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The baselines as <c>GET /api/baselines</c> lists them.</summary>
    public List<BaselineReport> Report()
    {
        lock (_runs)
        {
            var rows = new List<BaselineReport>(_runs.Count);
            foreach (var r in _runs) rows.Add(new BaselineReport(r.Name, r.Points, r.IsTime, r.Appender.XOffset, r.Manual is null));
            return rows;
        }
    }

    // A baseline producer per run the recording holds, so two runs recorded together are told apart as they were live
    // (each series keeps its name and colour, each run its style): named as the file when it holds one run, else
    // "file · run". A series of no recorded run goes to the first.
    private Dictionary<string, ProducerStore> ProducersFor(string name, List<string> recorded)
    {
        var producers = new Dictionary<string, ProducerStore>();
        if (recorded.Count <= 1)
        {
            producers[recorded.Count == 1 ? recorded[0] : ""] = _store.AddBaseline(name);
            return producers;
        }
        foreach (var r in recorded) producers[r] = _store.AddBaseline(r.Length == 0 ? name : Shorten($"{name} · {r}"));
        return producers;
    }

    // Under the gate: empties the run's series and reads it again at its offset.
    private long Load(Run run)
    {
        foreach (var producer in run.Producers) _store.Rewind(producer);
        run.Appender.Rewound();
        run.Appender.XOffset = OffsetOf(run);
        long points = 0;
        using (var input = run.Open())
        {
            var reader = new RecordingReader(input);
            // Its own points go to its series alone: never to --record, which keeps what was received.
            while (reader.Next()) points += run.Appender.Append(reader.Current, StoreSink.Instance);
        }
        run.Points = points;
        if (double.IsNaN(run.FirstX))
        {
            // Once, at the offset it was read with: the recording's own first x and whether its x is time.
            double first = double.PositiveInfinity;
            foreach (var s in _store.Series)
            {
                if (!run.Owns(s) || s.Count == 0) continue;
                if ((s.Definition.Flags & SeriesFlags.TimeX) != 0) run.IsTime = true;
                first = Math.Min(first, s.Snapshot().X(0) - run.Appender.XOffset);
            }
            run.FirstX = double.IsPositiveInfinity(first) ? 0 : first;
            if (run.IsTime && run.Manual is null && !double.IsNaN(_liveStartX)) return Load(run);
        }
        _store.Touch();
        return points;
    }

    private double OffsetOf(Run run)
    {
        if (run.Manual is { } manual) return manual;
        return run.IsTime && !double.IsNaN(_liveStartX) && !double.IsNaN(run.FirstX) ? _liveStartX - run.FirstX : 0;
    }

    // Until the live run's start on a time axis is known, each change may bring it; then each time baseline left at
    // its default moves to meet it.
    private async Task AlignLoopAsync()
    {
        long seen = -1;
        try
        {
            while (double.IsNaN(_liveStartX))
            {
                await _store.WaitForChangeAsync(seen, _stop.Token).ConfigureAwait(false);
                seen = _store.Version;
                double start = LiveStartX();
                if (double.IsNaN(start)) continue;
                await _gate.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    _liveStartX = start;
                    foreach (var run in _runs)
                    {
                        if (run.IsTime && run.Manual is null) _report($"baseline {run.Name}: {Load(run)} points, its start moved to the live run's");
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private double LiveStartX()
    {
        double first = double.NaN;
        foreach (var s in _store.Series)
        {
            if (s.Count == 0 || (s.Definition.Flags & SeriesFlags.TimeX) == 0 || _store.IsBaseline(s)) continue;
            double x = s.Snapshot().X(0);
            if (double.IsNaN(first) || x < first) first = x;
        }
        return first;
    }

    private string Unique(string name)
    {
        string made = name;
        for (int n = 2; _runs.Exists(r => r.Name == made); n++) made = $"{name} ({n})";
        return made;
    }

    // A name from a command line or a page: its file name, one line, as a series or producer name may be long.
    private static string Clean(string name)
    {
        name = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new StringBuilder(name.Length);
        foreach (char c in name) clean.Append(char.IsControl(c) ? '\uFFFD' : c);
        name = clean.ToString().Trim();
        return Shorten(name.Length == 0 ? "baseline" : name);
    }

    // A producer's name is at most a series name's length.
    private static string Shorten(string name)
    {
        while (Encoding.UTF8.GetByteCount(name) > ProtocolLimits.MaxNameBytes) name = name[..^1];
        return name;
    }

    /// <summary>Stops aligning.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_aligning is { } task) await task.ConfigureAwait(false);
    }

    private sealed class Run
    {
        private readonly Dictionary<string, ProducerStore> _byRecorded;

        public Run(string name, Func<Stream> open, PlotStore store, Dictionary<string, ProducerStore> byRecorded)
        {
            Name = name;
            Open = open;
            _byRecorded = byRecorded;
            Producers = [.. byRecorded.Values];
            Appender = new RecordingAppender(store, recorded => _byRecorded.GetValueOrDefault(recorded) ?? Producers[0]);
        }

        public string Name { get; }
        public Func<Stream> Open { get; }
        /// <summary>The baseline producers of its recorded runs, the first taking series of no recorded run.</summary>
        public List<ProducerStore> Producers { get; }
        public RecordingAppender Appender { get; }
        public bool Owns(SeriesStore series) => Producers.Exists(p => p.Owns(series));
        public long Points { get; set; }
        public bool IsTime { get; set; }
        public double FirstX { get; set; } = double.NaN;
        public double? Manual { get; set; }
    }
}

/// <summary>One row of <c>GET /api/baselines</c>.</summary>
/// <param name="Name">The baseline's name (its file's name): its series' producer.</param>
/// <param name="Points">Points it holds.</param>
/// <param name="Time">Whether its x is time (it is aligned on start time).</param>
/// <param name="OffsetSeconds">What is added to its x (seconds on a time axis).</param>
/// <param name="Auto">Whether the offset is the default one, not set from the page.</param>
internal sealed record BaselineReport(string Name, long Points, bool Time, double OffsetSeconds, bool Auto);
