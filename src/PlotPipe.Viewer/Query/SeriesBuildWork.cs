using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// Builds the series views of one query on the calling thread and, for a large view, one thread-pool thread beside
/// it: each takes the next series not yet taken, so a page's ten series take about half as long where a second core
/// is free. Reused from view to view (no task, closure or delegate per view), so a query in steady state still
/// allocates nothing. A build may be abandoned between series when its answer is no longer wanted. Only a build someone
/// waits for (the answer to a zoom or pan) takes the second thread: a view driven by new data alone is built on one, so
/// on a machine of two cores the browser drawing the page keeps the other.
/// </summary>
internal sealed class SeriesBuildWork : IThreadPoolWorkItem
{
    /// <summary>A view holding fewer points than this is built on the calling thread alone: handing off would cost more.</summary>
    public const long ParallelFromPoints = 1_000_000;

    // Set by the helper when it is done: the caller spins for it (at most one series' build), as a blocking wait
    // would allocate its lock the first time it blocks.
    private volatile bool _helperDone = true;
    private IReadOnlyList<SeriesStore> _series = [];
    private SeriesSnapshot[] _snapshots = [];
    private int[] _slots = [];
    private PanelView[] _panels = [];
    private SeriesView[] _views = [];
    private int _count;
    private int _cellPx;
    private Func<bool>? _abandon;
    private int _next;
    private volatile bool _abandoned;
    // 0: the helper is queued and has not started; 1: it started (the caller waits for it); 2: the caller finished
    // first and took its turn back, so a helper the pool starts late returns at once and nobody waits on a busy pool.
    private int _helperState;
    private Exception? _helperFailed;

    /// <summary>
    /// Builds the views of the first <paramref name="n"/> series (slot -1 skipped) at cell size
    /// <paramref name="cellPx"/>; returns false when <paramref name="abandon"/> said to stop, with some views unbuilt.
    /// A large view takes a second thread only when <paramref name="twoThreads"/> is true.
    /// </summary>
    public bool Run(IReadOnlyList<SeriesStore> series, SeriesSnapshot[] snapshots, int[] slots, PanelView[] panels, SeriesView[] views, int n, int cellPx, Func<bool>? abandon, bool twoThreads = true)
    {
        _series = series;
        _snapshots = snapshots;
        _slots = slots;
        _panels = panels;
        _views = views;
        _count = n;
        _cellPx = cellPx;
        _abandon = abandon;
        _next = 0;
        _abandoned = false;
        _helperFailed = null;
        long points = 0;
        int shown = 0;
        for (int i = 0; i < n; i++)
        {
            if (slots[i] < 0) continue;
            points += snapshots[i].Count;
            shown++;
        }
        bool helped = twoThreads && shown > 1 && points >= ParallelFromPoints && Environment.ProcessorCount > 1;
        if (helped)
        {
            _helperDone = false;
            Volatile.Write(ref _helperState, 0);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        try
        {
            BuildTaken();
        }
        finally
        {
            // The helper holds the same views: none is handed back before it is done with them.
            if (helped && Interlocked.CompareExchange(ref _helperState, 2, 0) == 1)
            {
                var spin = default(SpinWait);
                while (!_helperDone) spin.SpinOnce();
            }
            _series = [];
            _snapshots = [];
            _abandon = null;
        }
        if (_helperFailed is { } failed) throw new InvalidOperationException("a series view failed to build", failed);
        return !_abandoned;
    }

    /// <summary>The thread-pool side: builds series until none is left.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        if (Interlocked.CompareExchange(ref _helperState, 1, 0) != 0) return;
        try
        {
            BuildTaken();
        }
        catch (Exception e)
        {
            _helperFailed = e;
        }
        finally
        {
            _helperDone = true;
        }
    }

    private void BuildTaken()
    {
        while (!_abandoned)
        {
            int i = Interlocked.Increment(ref _next) - 1;
            if (i >= _count) return;
            int slot = _slots[i];
            if (slot < 0) continue;
            if (_abandon is { } abandon && abandon())
            {
                _abandoned = true;
                return;
            }
            var v = _panels[slot].Viewport;
            var (w, h, limit) = ViewShare.Scaled(v.WidthPx, v.HeightPx, _cellPx);
            ViewBuilder.Build(_series[i].Kind, _snapshots[i], v with { WidthPx = w, HeightPx = h }, _views[i], limit);
        }
    }
}
