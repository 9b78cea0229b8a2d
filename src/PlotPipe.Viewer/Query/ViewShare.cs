using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// One query's part of the <see cref="ViewBudget"/>. Before each build it works out what the views would keep at full
/// resolution, asks the budget, and when that does not fit builds the whole view as if the plot were
/// <see cref="CellPx"/> times smaller each way: density cells of that many pixels a side, line columns as wide, and
/// fewer scatter points before density; the page stretches the result over its plot. When even
/// <see cref="MaxCellPx"/> does not fit, it builds nothing and says why (<see cref="Limit"/>).
/// </summary>
internal sealed class ViewShare : IDisposable
{
    /// <summary>The coarsest view built: cells of 16 × 16 pixels. Beyond that the view is refused instead.</summary>
    public const int MaxCellPx = 16;

    private readonly ViewBudget _budget;
    private readonly long _fixedBytes;
    private readonly SeriesBuildWork _work = new();
    // What the last reason was written for.
    private int _reasonShares;
    private bool _reasonWaiting;

    internal ViewShare(ViewBudget budget, long fixedBytes, Action? changed)
    {
        _budget = budget;
        _fixedBytes = fixedBytes;
        Changed = changed;
    }

    // Kept by the budget, under its lock.
    internal long NeedBytes, HeldBytes, GrantedBytes;
    internal volatile bool Stale;
    internal readonly Action? Changed;

    /// <summary>Pixels a side of one cell of the last view: 1 at full resolution, more when coarsened to fit, 0 when refused.</summary>
    public int CellPx { get; private set; } = 1;

    /// <summary>Why the last view is coarse or missing, in the user's words; null at full resolution.</summary>
    public string? Limit { get; private set; }

    /// <summary>Whether the last build was stopped part-way because its answer was no longer wanted.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Whether the budget asks for a rebuild: memory was freed for this share, or it holds more than its part.</summary>
    public bool Rebuild => Stale;

    /// <summary>
    /// Builds the views of the first <paramref name="n"/> series (slot -1: not shown, its buffers let go) within this
    /// share: at full resolution when the budget allows, else at the finest <see cref="CellPx"/> that fits. Returns
    /// false, with every view empty, when none fits. <paramref name="abandon"/>, asked between series, may stop the
    /// build part-way (<see cref="Abandoned"/>): its views are then not to be shown. A large view is built on two
    /// threads only when <paramref name="twoThreads"/> is true (see <see cref="SeriesBuildWork"/>).
    /// </summary>
    public bool Build(IReadOnlyList<SeriesStore> series, SeriesSnapshot[] snapshots, int[] slots, PanelView[] panels, SeriesView[] views, int n, Func<bool>? abandon = null, bool twoThreads = true)
    {
        Abandoned = false;
        long before = Retained(views, n);
        for (int i = 0; i < n; i++)
        {
            if (slots[i] >= 0) continue;
            views[i].ReleasePoints();
            views[i].ReleaseDensity();
        }
        long need = Need(1, series, snapshots, slots, panels, views, n);
        long granted = _budget.Grant(this, need);
        int cellPx = 0;
        for (int f = 1; f <= MaxCellPx; f++)
        {
            if ((f == 1 ? need : Need(f, series, snapshots, slots, panels, views, n)) > granted) continue;
            cellPx = f;
            break;
        }
        if (cellPx == 0)
        {
            for (int i = 0; i < n; i++)
            {
                if (slots[i] < 0) continue;
                var v = views[i];
                v.ReleasePoints();
                v.ReleaseDensity();
                v.Mode = ViewMode.Points;
                v.PointsInView = 0;
                v.NotShown = 0;
            }
            CollectIfReleased(before - Retained(views, n));
            // Waiting: the part this share may have would hold the coarsest view once the others give theirs back.
            bool waiting = Need(MaxCellPx, series, snapshots, slots, panels, views, n) <= Math.Min(need, _budget.PartBytes());
            SetLimit(0, waiting);
            _budget.Hold(this, Retained(views, n));
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            int slot = slots[i];
            if (slot < 0) continue;
            var v = panels[slot].Viewport;
            var (w, h, limit) = Scaled(v.WidthPx, v.HeightPx, cellPx);
            ViewBuilder.Trim(series[i].Kind, snapshots[i].Count, w, h, limit, views[i]);
        }
        CollectIfReleased(before - Retained(views, n));
        Abandoned = !_work.Run(series, snapshots, slots, panels, views, n, cellPx, abandon, twoThreads);
        SetLimit(cellPx, waiting: false);
        _budget.Hold(this, Retained(views, n));
        return true;
    }

    /// <summary>
    /// Gives this share's memory back to the budget, once the owner has let go of its views' buffers: when that is a
    /// good part of the budget, the collector takes them back before the other shares are told to grow into it.
    /// </summary>
    public void Dispose()
    {
        CollectIfReleased(Volatile.Read(ref HeldBytes));
        _budget.Close(this);
    }

    // What the views would keep at cell size f, as ViewBuilder bounds it.
    private long Need(int f, IReadOnlyList<SeriesStore> series, SeriesSnapshot[] snapshots, int[] slots, PanelView[] panels, SeriesView[] views, int n)
    {
        long bytes = _fixedBytes;
        for (int i = 0; i < n; i++)
        {
            int slot = slots[i];
            if (slot < 0)
            {
                bytes += views[i].RetainedBytes;
                continue;
            }
            var v = panels[slot].Viewport;
            var (w, h, limit) = Scaled(v.WidthPx, v.HeightPx, f);
            bytes += ViewBuilder.MostRetainedBytes(series[i].Kind, snapshots[i].Count, w, h, limit, views[i]);
        }
        return bytes;
    }

    /// <summary>
    /// The plot size a view of cell size <paramref name="cellPx"/> is built for, and its scatter point limit: at 1 the
    /// plot's own; coarser, a scatter turns to density sooner, once its points would cost a quarter of its grid (16
    /// bytes a point, 4 a cell), so the grid's memory is most of what a coarse view keeps.
    /// </summary>
    internal static (int WidthPx, int HeightPx, int ScatterPointLimit) Scaled(int widthPx, int heightPx, int cellPx)
    {
        if (cellPx == 1) return (widthPx, heightPx, ViewBuilder.ScatterPointLimit);
        int w = Math.Max(1, (Math.Clamp(widthPx, 1, ViewBuilder.MaxSidePx) + cellPx - 1) / cellPx);
        int h = Math.Max(1, (Math.Clamp(heightPx, 1, ViewBuilder.MaxSidePx) + cellPx - 1) / cellPx);
        return (w, h, (int)Math.Min(ViewBuilder.ScatterPointLimit, (long)w * h / 16));
    }

    /// <summary>
    /// A share that let go of a good part of the budget (a page opened beside it, or it was resized) has the collector
    /// take those buffers back before it builds new ones, so the process never holds the old grids and the new at once.
    /// Rare: it happens when the resolution or the plot's size changes, never while a view stays as it is.
    /// </summary>
    private void CollectIfReleased(long releasedBytes)
    {
        if (_budget.TotalBytes > 0 && releasedBytes >= Math.Max(_budget.TotalBytes / 16, MinCollectBytes))
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    /// <summary>Let-go buffers smaller than this are left to the collector's own pace.</summary>
    private const long MinCollectBytes = 8L << 20;

    private long Retained(SeriesView[] views, int n)
    {
        long bytes = _fixedBytes;
        for (int i = 0; i < n; i++) bytes += views[i].RetainedBytes;
        return bytes;
    }

    // The reason is written only when it changes, so a steady view allocates nothing.
    private void SetLimit(int cellPx, bool waiting)
    {
        int shares = _budget.ShareCount;
        if (cellPx == 1)
        {
            CellPx = 1;
            Limit = null;
            return;
        }
        if (cellPx == CellPx && Limit is not null && shares == _reasonShares && waiting == _reasonWaiting) return;
        CellPx = cellPx;
        _reasonShares = shares;
        _reasonWaiting = waiting;
        string memory = MemoryBudget.Size(_budget.TotalBytes);
        int others = shares - 1;
        string shared = others == 0 ? "" : $", shared with {others} other view{(others == 1 ? "" : "s")}";
        Limit = cellPx > 1 ? $"coarse view (cells of {cellPx} × {cellPx} px): views have {memory} of memory{shared}"
            : waiting ? $"no view yet: views have {memory} of memory{shared}; {(others == 1 ? "the other is" : "the others are")} giving some back"
            : $"no view: this one needs more than the {memory} views have, even with cells of {MaxCellPx} × {MaxCellPx} px; hide series or raise --max-memory";
    }
}
