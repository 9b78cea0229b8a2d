using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The view query between the store and whoever draws: takes a request (panels, x or follow, hidden series, sizes),
/// resolves the plot's <see cref="PlotLayout"/>, snapshots the visible series, resolves each x group's and each
/// panel's ranges and decimates each series for its panel's pixels. One instance serves one page (or one picture)
/// and reuses its buffers, so a query in steady state allocates nothing.
/// What its views keep is its share of the store's <see cref="ViewBudget"/>: dispose it to give the share back.
/// </summary>
internal sealed class PlotQuery : IDisposable
{
    private readonly Action? _shareChanged;
    private readonly long _fixedBytes;
    private readonly ViewBudget? _budget;
    private ViewShare? _share;

    private readonly PlotLayout _layout = new();
    private PanelView[] _panels = [];
    private PanelLayout[] _layouts = [];
    private int[] _groupOf = [];
    private int _topLevelGroup;
    private SeriesView[] _views = [];
    private SmoothedView?[] _smoothed = [];
    private SeriesSnapshot[] _snapshots = [];
    private DataBounds[] _bounds = [];
    private int[] _slots = [];
    private long[] _evictedBefore = [];
    private IReadOnlyList<SeriesStore> _series = [];

    // By x group (the id of its first panel): the union of its visible series, whether one is a scatter, its x range.
    private readonly DataBounds[] _groupBounds = new DataBounds[ProtocolLimits.MaxPanels];
    private readonly bool[] _groupScatter = new bool[ProtocolLimits.MaxPanels];
    private readonly bool[] _groupResolved = new bool[ProtocolLimits.MaxPanels];
    private readonly (double Min, double Max, double ColumnsPerX, double Phase)[] _groupX = new (double, double, double, double)[ProtocolLimits.MaxPanels];
    // The column grid each x group's last asked-for window was built on: a pan keeps it (ColumnGrid.Window).
    private readonly (double ColumnsPerX, double Phase)?[] _askedGrid = new (double, double)?[ProtocolLimits.MaxPanels];

    /// <summary>The plot's layout as the last <see cref="Run"/> (or <see cref="ResolveLayout"/>) found it.</summary>
    public PlotLayout Layout => _layout;

    /// <summary>
    /// A query whose views draw on <paramref name="budget"/>, by default the store's (<see cref="ViewBudget.Of"/>);
    /// <paramref name="fixedBytes"/> is what its owner keeps besides (a page's send buffer), and
    /// <paramref name="shareChanged"/> signals that the budget asks for a rebuild (see <see cref="ViewBudget.Open"/>).
    /// </summary>
    public PlotQuery(Action? shareChanged = null, long fixedBytes = 0, ViewBudget? budget = null)
    {
        _shareChanged = shareChanged;
        _fixedBytes = fixedBytes;
        _budget = budget;
    }

    /// <summary>Pixels a side of one cell of the answer: 1 at full resolution, more when coarsened to fit the budget, 0 when refused.</summary>
    public int CellPx => _share?.CellPx ?? 1;

    /// <summary>Why the answer is coarse or empty, in the user's words; null at full resolution.</summary>
    public string? Limit => _share?.Limit;

    /// <summary>Whether the budget asks for a new answer: memory was freed for this query, or it holds more than its part.</summary>
    public bool Rebuild => _share?.Rebuild ?? false;

    /// <summary>Lets go of this query's views and gives its share of the view budget back.</summary>
    public void Dispose()
    {
        foreach (var view in _views)
        {
            view.ReleasePoints();
            view.ReleaseDensity();
        }
        foreach (var smoothed in _smoothed) smoothed?.View.ReleasePoints();
        _share?.Dispose();
    }

    /// <summary>Panels in the answer, in the order the request listed them.</summary>
    public int PanelCount { get; private set; }

    /// <summary>The <paramref name="i"/>-th panel of the answer.</summary>
    public PanelView Panel(int i) => _panels[i];

    /// <summary>Resolves <see cref="Layout"/> for <paramref name="store"/> as it stands, without a view.</summary>
    public void ResolveLayout(PlotStore store) => _layout.Resolve(store);

    /// <summary>Whether the last <see cref="Run"/> was abandoned part-way: its answer is incomplete and must not be shown.</summary>
    public bool Abandoned => _share?.Abandoned ?? false;

    /// <summary>
    /// Answers <paramref name="request"/> from <paramref name="store"/>; the answer stays valid until the next call.
    /// <paramref name="abandon"/>, asked between series, may stop a build whose answer is no longer wanted (a page's
    /// newer request came in): then <see cref="Abandoned"/> is true. <paramref name="twoThreads"/> false keeps a large
    /// view on the calling thread (a view nobody waits for, driven by new data alone).
    /// </summary>
    public void Run(in ViewRequest request, PlotStore store, Func<bool>? abandon = null, bool twoThreads = true)
    {
        var series = store.Series;
        _series = series;
        int n = series.Count;
        Grow(n, request.Panels?.Length ?? 1);
        // The points first, then the layout from them: resolved before, a panel's first timed points arriving in
        // between would be drawn on the plain-number axis the layout still gave it, and sent as such.
        for (int i = 0; i < n; i++)
        {
            // A hidden series' old snapshot would keep evicted chunks alive.
            _snapshots[i] = request.IsHidden(series[i].Index) ? default : series[i].Snapshot(out _evictedBefore[i]);
        }
        _layout.Resolve(store.Plot.Panels, series, _snapshots.AsSpan(0, n));
        int panelCount = SetUpPanels(request);

        for (int i = 0; i < n; i++)
        {
            var s = series[i];
            int slot = _snapshots[i].Chunks is null ? -1 : request.Panels is null ? 0 : SlotOf(s.Definition.Panel, panelCount);
            _slots[i] = slot;
            if (slot < 0)
            {
                _snapshots[i] = default;
                continue;
            }
            var snapshot = _snapshots[i];
            var b = ViewBuilder.BoundsFor(s.Kind, snapshot);
            // A log x axis fits and follows its positive x only.
            if (_panels[slot].Viewport.XLog && !(b.XMin > 0)) b = ViewBuilder.BoundsInXFor(s.Kind, snapshot, double.Epsilon, double.PositiveInfinity);
            // An axis has no place for an infinite value: the fit leaves it out, as it leaves out NaN.
            if (!b.IsEmpty && !FiniteBounds.Holds(b))
                b = FiniteBounds.InX(snapshot, _panels[slot].Viewport.XLog ? double.Epsilon : double.NegativeInfinity, double.PositiveInfinity, positiveY: false);
            _bounds[i] = b;
            _panels[slot].Add(s.Index, _views[i]);
        }

        // Each x group (linked panels of one x kind, or an unlinked panel alone) shares one x: fitted to, or
        // following, the union of its visible series.
        for (int p = 0; p < panelCount; p++)
        {
            int g = _groupOf[p];
            _groupBounds[g] = DataBounds.Empty;
            _groupScatter[g] = false;
            _groupResolved[g] = false;
        }
        for (int i = 0; i < n; i++)
        {
            int slot = _slots[i];
            if (slot < 0) continue;
            int g = _groupOf[slot];
            _groupBounds[g] = _groupBounds[g].Union(_bounds[i]);
            _groupScatter[g] |= series[i].Kind == SeriesKind.Scatter;
        }

        for (int p = 0; p < panelCount; p++)
        {
            var panel = _panels[p];
            var v = panel.Viewport;
            var asked = request.Panels is { } ps ? ps[p] : new PanelRequest(0, request.HeightPx, null, null, request.YMin, request.YMax);
            int group = _groupOf[p];
            if (!_groupResolved[group])
            {
                _groupX[group] = ResolveGroupX(request, p, n);
                _groupResolved[group] = true;
            }
            var (xMin, xMax, columnsPerX, phase) = _groupX[group];
            var inView = DataBounds.Empty;
            if (asked.YMin is null || asked.YMax is null)
            {
                for (int i = 0; i < n; i++)
                {
                    if (_slots[i] != p) continue;
                    var box = v.YLog
                        ? ViewBuilder.PositiveBoundsInX(_snapshots[i], xMin, xMax)
                        : ViewBuilder.BoundsInXFor(series[i].Kind, _snapshots[i], xMin, xMax);
                    if (!box.IsEmpty && !FiniteBounds.Holds(box)) box = FiniteBounds.InX(_snapshots[i], xMin, xMax, v.YLog);
                    inView = inView.Union(box);
                }
            }
            var (yMin, yMax) = ViewRanges.ResolveY(asked.YMin, asked.YMax, inView, v.YLog);
            panel.Ranges = new DataBounds(xMin, xMax, yMin, yMax);
            panel.Viewport = v with { XMin = xMin, XMax = xMax, YMin = yMin, YMax = yMax, ColumnsPerX = columnsPerX, GridPhase = phase };
        }

        // The views are built within this query's share of the view budget, coarser when it must.
        _share ??= (_budget ?? ViewBudget.Of(store)).Open(_fixedBytes, _shareChanged);
        _share.Build(series, _snapshots, _slots, _panels, _views, n, abandon, twoThreads);
        if (request.Panels is { } smoothing && !Abandoned && CellPx > 0) BuildSmoothed(smoothing, n);
        CountHistogram(request.HistogramOf, n);
    }

    /// <summary>The histogram the last <see cref="Run"/> counted (<see cref="Histogram.SeriesIndex"/> -1: none asked, or its series not shown).</summary>
    public Histogram Histogram { get; } = new();

    // The histogram of the series asked for, over the x range of the panel it is drawn in.
    private void CountHistogram(int? seriesIndex, int n)
    {
        Histogram.Clear();
        if (seriesIndex is not int wanted || Abandoned) return;
        for (int i = 0; i < n; i++)
        {
            if (_series[i].Index != wanted || _slots[i] < 0) continue;
            var ranges = _panels[_slots[i]].Ranges;
            Histogram.Count(wanted, _series[i].Kind, _snapshots[i], ranges.XMin, ranges.XMax);
            return;
        }
    }

    // The smoothed curve of each line series in a panel that asked for one; a series' cached chunk states live as
    // long as this query (the page), so a pan or zoom reads from the chunk before the view only.
    private void BuildSmoothed(PanelRequest[] asked, int n)
    {
        for (int i = 0; i < n; i++)
        {
            int slot = _slots[i];
            if (slot < 0 || _series[i].Kind != SeriesKind.Line) continue;
            double weight = asked[slot].Smooth;
            if (!(weight > 0)) continue;
            var smoothed = _smoothed[i] ??= new SmoothedView();
            smoothed.Build(_snapshots[i], _evictedBefore[i], weight, _panels[slot].Viewport);
            _panels[slot].AddSmoothed(_series[i].Index, smoothed.View);
        }
    }

    /// <summary>
    /// <see cref="Run"/> for a reader that may take longer than an evicted chunk waits before the store reuses it for
    /// new points (a picture of 10^8 points, read whole): a series whose view read a chunk that was evicted meanwhile is
    /// built again without the chunks evicted, so no view draws a newer chunk's points as older ones.
    /// </summary>
    public void RunHeld(in ViewRequest request, PlotStore store, Func<bool>? abandon = null)
    {
        long started = Stopwatch.GetTimestamp();
        Run(request, store, abandon);
        if (Abandoned || CellPx == 0) return;
        var series = _series;
        for (int i = 0; i < series.Count; i++)
        {
            int slot = _slots[i];
            if (slot >= 0) KeepHeld(series[i], i, _panels[slot].Viewport, started);
        }
    }

    // A chunk is reused only ReuseAfterTicks after its eviction, so a read is whole when no chunk it saw was evicted,
    // or when it took less time than that. Otherwise the read is made again from the chunks still held; when that
    // read too saw chunks go, the next leaves out as many again as went during it, so it is likely over before its
    // oldest chunk goes.
    private void KeepHeld(SeriesStore series, int i, in Viewport viewport, long started)
    {
        var snapshot = _snapshots[i];
        long evictedBefore = _evictedBefore[i];
        int chunks = snapshot.ChunkCount, from = 0, reads = 0;
        while (from < chunks && !series.StillHeld(evictedBefore, from, snapshot.Shift) && Stopwatch.GetTimestamp() - started >= series.ReuseAfterTicks)
        {
            long gone = (series.Evicted - evictedBefore + snapshot.ChunkPoints - 1) >> snapshot.Shift;
            from = (int)Math.Min(chunks, reads++ == 0 ? gone : gone + (gone - from));
            started = Stopwatch.GetTimestamp();
            var held = from < chunks
                ? new SeriesSnapshot(snapshot.Chunks[from..chunks], snapshot.Count - ((long)from << snapshot.Shift), snapshot.Shift)
                : new SeriesSnapshot([], 0, snapshot.Shift);
            var (w, h, limit) = ViewShare.Scaled(viewport.WidthPx, viewport.HeightPx, CellPx);
            ViewBuilder.Build(series.Kind, held, viewport with { WidthPx = w, HeightPx = h }, _views[i], limit);
        }
    }

    // The x range of the group of panel p, the group's first panel in the request: the x its first panel giving one
    // asked for, else the top-level x if it is the first linked panel's group (an older page sends the linked x there
    // alone), else a fit; a follow wins.
    // A following window ends on the first line at or past the newest x of a column grid fixed in x, so the next
    // view, moved by whole columns, keeps the columns new points cannot change (ColumnGrid): on a linear x whose
    // window is the whole span. A window asked for lies on a grid too, the last one's when only its place changed (a
    // pan), so a pan copies the columns both windows show.
    private (double Min, double Max, double ColumnsPerX, double Phase) ResolveGroupX(in ViewRequest request, int p, int n)
    {
        int group = _groupOf[p];
        var layout = _layouts[p];
        double? follow = request.FollowSpan;
        if (request.AutoFollow)
            follow = ViewRanges.AutoFollowSpan(_groupBounds[group], RecentSpan(group, n, _panels[p].Viewport.XLog), layout.X == AxisKind.Time);
        double? a = null, b = null;
        if (request.Panels is { } ps)
        {
            for (int q = p; q < ps.Length; q++)
            {
                if (_groupOf[q] != group || ps[q].XMin is null || ps[q].XMax is null) continue;
                (a, b) = (ps[q].XMin, ps[q].XMax);
                break;
            }
        }
        if (a is null && group == _topLevelGroup) (a, b) = (request.XMin, request.XMax);
        var x = ViewRanges.ResolveX(a, b, follow, _groupBounds[group], _groupScatter[group], _panels[p].Viewport.XLog);
        // The automatic window of a plain axis begins no earlier than the data: a stream of a dozen lines shows
        // them from line 1, not from line -5. A time axis keeps its minute, filling up as an oscilloscope does.
        var all = _groupBounds[group];
        if (request.AutoFollow && layout.X != AxisKind.Time && !all.IsEmpty && all.XMin > x.Min && all.XMin < x.Max)
            return (all.XMin, x.Max, 0, 0);
        bool log = _panels[p].Viewport.XLog;
        if (follow is double span)
        {
            _askedGrid[group] = null;
            if (!log && Math.Abs(x.Max - x.Min - span) <= span * 1e-9 && ColumnGrid.Follow(x.Max, span, _panels[p].Viewport.WidthPx) is { } grid)
                return (grid.Min, grid.Max, grid.ColumnsPerX, 0);
            return (x.Min, x.Max, 0, 0);
        }
        if (a is not null && !log && ColumnGrid.Window(x.Min, x.Max, _panels[p].Viewport.WidthPx, _askedGrid[group]) is { } asked)
        {
            _askedGrid[group] = (asked.ColumnsPerX, asked.Phase);
            return asked;
        }
        _askedGrid[group] = null;
        return (x.Min, x.Max, 0, 0);
    }

    // The x from the oldest of the newest ViewRanges.FollowPoints points of the group's densest visible series to
    // the group's newest x (+∞ when no series has a point to count).
    private double RecentSpan(int group, int n, bool log)
    {
        double newest = _groupBounds[group].XMax, span = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            if (_slots[i] < 0 || _groupOf[_slots[i]] != group) continue;
            var snapshot = _snapshots[i];
            double oldest = double.PositiveInfinity;
            for (long k = Math.Max(0, snapshot.Count - ViewRanges.FollowPoints); k < snapshot.Count; k++)
            {
                double x = snapshot.X(k);
                if (double.IsFinite(x) && (!log || x > 0) && x < oldest) oldest = x;
            }
            if (oldest <= newest) span = Math.Min(span, newest - oldest);
        }
        return span;
    }

    private int SetUpPanels(in ViewRequest request)
    {
        int count = request.Panels?.Length ?? 1;
        _topLevelGroup = -1;
        for (int p = 0; p < count; p++)
        {
            int id = request.Panels is { } ps ? ps[p].Id : 0;
            int height = request.Panels is { } hs ? hs[p].HeightPx : request.HeightPx;
            var layout = _layout.Of(id);
            _layouts[p] = layout;
            // An older page's one panel holds every series: one group.
            _groupOf[p] = request.Panels is null ? 0 : layout.XGroup;
            if (_topLevelGroup < 0 && (request.Panels is null || layout.Definition.LinkX)) _topLevelGroup = _groupOf[p];
            var panel = _panels[p];
            panel.Clear();
            panel.Id = id;
            panel.Layout = layout;
            panel.Viewport = new Viewport(0, 1, 0, 1, request.WidthPx, height, layout.X == AxisKind.Log, layout.Y == AxisKind.Log);
        }
        PanelCount = count;
        return count;
    }

    // A page listing a panel twice gets its series in the first.
    private int SlotOf(int panelId, int panelCount)
    {
        for (int p = 0; p < panelCount; p++)
        {
            if (_panels[p].Id == panelId) return p;
        }
        return -1;
    }

    private void Grow(int series, int panels)
    {
        if (_views.Length < series)
        {
            int size = Math.Max(series, 2 * _views.Length);
            var grown = new SeriesView[size];
            Array.Copy(_views, grown, _views.Length);
            for (int i = _views.Length; i < size; i++) grown[i] = new SeriesView();
            _views = grown;
            Array.Resize(ref _snapshots, size);
            Array.Resize(ref _bounds, size);
            Array.Resize(ref _slots, size);
            Array.Resize(ref _evictedBefore, size);
            Array.Resize(ref _smoothed, size);
        }
        if (_panels.Length < panels)
        {
            var grown = new PanelView[panels];
            Array.Copy(_panels, grown, _panels.Length);
            for (int i = _panels.Length; i < panels; i++) grown[i] = new PanelView();
            _panels = grown;
            Array.Resize(ref _layouts, panels);
            Array.Resize(ref _groupOf, panels);
        }
    }
}
