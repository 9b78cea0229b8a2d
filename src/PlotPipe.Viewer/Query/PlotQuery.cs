using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The view query between the store and whoever draws: takes a request (panels, x or follow, hidden series, sizes),
/// snapshots the visible series, resolves each panel's ranges and decimates each series for its panel's pixels.
/// One instance serves one page (or one picture) and reuses its buffers, so a query in steady state allocates nothing.
/// What its views keep is its share of the store's <see cref="ViewBudget"/>: dispose it to give the share back.
/// </summary>
internal sealed class PlotQuery : IDisposable
{
    private readonly Action? _shareChanged;
    private readonly long _fixedBytes;
    private readonly ViewBudget? _budget;
    private ViewShare? _share;

    private PanelView[] _panels = [];
    private PanelDefinition[] _definitions = [];
    private SeriesView[] _views = [];
    private SeriesSnapshot[] _snapshots = [];
    private DataBounds[] _bounds = [];
    private int[] _slots = [];

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
        _share?.Dispose();
    }

    /// <summary>Panels in the answer, in the order the request listed them.</summary>
    public int PanelCount { get; private set; }

    /// <summary>The <paramref name="i"/>-th panel of the answer.</summary>
    public PanelView Panel(int i) => _panels[i];

    /// <summary>The box of every visible series' points, in data units (empty when none).</summary>
    public DataBounds Extent { get; private set; } = DataBounds.Empty;

    /// <summary>Answers <paramref name="request"/> from <paramref name="store"/>; the answer stays valid until the next call.</summary>
    public void Run(in ViewRequest request, PlotStore store)
    {
        var series = store.Series;
        var definitions = store.Plot.Panels;
        int n = series.Count;
        Grow(n, request.Panels?.Length ?? 1);
        int panelCount = SetUpPanels(request, definitions);

        var extent = DataBounds.Empty;
        for (int i = 0; i < n; i++)
        {
            var s = series[i];
            int slot = request.IsHidden(s.Index) ? -1 : request.Panels is null ? 0 : SlotOf(s.Definition.Panel, panelCount);
            _slots[i] = slot;
            if (slot < 0)
            {
                // A hidden series' old snapshot would keep evicted chunks alive.
                _snapshots[i] = default;
                continue;
            }
            var snapshot = s.Snapshot();
            _snapshots[i] = snapshot;
            var b = ViewBuilder.BoundsFor(s.Kind, snapshot);
            extent = extent.Union(b);
            // A log x axis fits and follows its positive x only.
            if (_panels[slot].Viewport.XLog && !(b.XMin > 0)) b = ViewBuilder.BoundsInXFor(s.Kind, snapshot, double.Epsilon, double.PositiveInfinity);
            _bounds[i] = b;
            _panels[slot].Add(s.Index, _views[i]);
        }
        Extent = extent;

        // Linked panels share one x: fitted to, or following, the union of all their visible series.
        var linked = DataBounds.Empty;
        bool linkedScatter = false;
        for (int i = 0; i < n; i++)
        {
            int slot = _slots[i];
            if (slot < 0 || !_definitions[slot].LinkX) continue;
            linked = linked.Union(_bounds[i]);
            linkedScatter |= series[i].Kind == SeriesKind.Scatter;
        }

        for (int p = 0; p < panelCount; p++)
        {
            var panel = _panels[p];
            var v = panel.Viewport;
            var asked = request.Panels is { } ps ? ps[p] : new PanelRequest(0, request.HeightPx, null, null, request.YMin, request.YMax);
            (double, double) x;
            if (_definitions[p].LinkX)
            {
                x = ViewRanges.ResolveX(request.XMin, request.XMax, request.FollowSpan, linked, linkedScatter, v.XLog);
            }
            else
            {
                var own = DataBounds.Empty;
                bool scatter = false;
                for (int i = 0; i < n; i++)
                {
                    if (_slots[i] != p) continue;
                    own = own.Union(_bounds[i]);
                    scatter |= series[i].Kind == SeriesKind.Scatter;
                }
                x = ViewRanges.ResolveX(asked.XMin, asked.XMax, request.FollowSpan, own, scatter, v.XLog);
            }
            var (xMin, xMax) = x;
            var inView = DataBounds.Empty;
            if (asked.YMin is null || asked.YMax is null)
            {
                for (int i = 0; i < n; i++)
                {
                    if (_slots[i] != p) continue;
                    inView = inView.Union(v.YLog
                        ? ViewBuilder.PositiveBoundsInX(_snapshots[i], xMin, xMax)
                        : ViewBuilder.BoundsInXFor(series[i].Kind, _snapshots[i], xMin, xMax));
                }
            }
            var (yMin, yMax) = ViewRanges.ResolveY(asked.YMin, asked.YMax, inView, v.YLog);
            panel.Ranges = new DataBounds(xMin, xMax, yMin, yMax);
            panel.Viewport = v with { XMin = xMin, XMax = xMax, YMin = yMin, YMax = yMax };
        }

        // The views are built within this query's share of the view budget, coarser when it must.
        _share ??= (_budget ?? ViewBudget.Of(store)).Open(_fixedBytes, _shareChanged);
        _share.Build(series, _snapshots, _slots, _panels, _views, n);
    }

    private int SetUpPanels(in ViewRequest request, IReadOnlyList<PanelDefinition> definitions)
    {
        int count = request.Panels?.Length ?? 1;
        for (int p = 0; p < count; p++)
        {
            int id = request.Panels is { } ps ? ps[p].Id : 0;
            int height = request.Panels is { } hs ? hs[p].HeightPx : request.HeightPx;
            var definition = Find(definitions, id);
            _definitions[p] = definition;
            var panel = _panels[p];
            panel.Clear();
            panel.Id = id;
            panel.Viewport = new Viewport(0, 1, 0, 1, request.WidthPx, height, definition.XScale == "log", definition.YScale == "log");
        }
        PanelCount = count;
        return count;
    }

    private static PanelDefinition Find(IReadOnlyList<PanelDefinition> definitions, int id)
    {
        for (int i = 0; i < definitions.Count; i++)
        {
            if (definitions[i].Id == id) return definitions[i];
        }
        return PanelDefinition.Default(id);
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
        }
        if (_panels.Length < panels)
        {
            var grown = new PanelView[panels];
            Array.Copy(_panels, grown, _panels.Length);
            for (int i = _panels.Length; i < panels; i++) grown[i] = new PanelView();
            _panels = grown;
            Array.Resize(ref _definitions, panels);
        }
    }
}
