using System.Runtime.CompilerServices;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The memory every view of one store may keep at once: density grids, columns and send buffers of every page, picture
/// and API query. Each query holds a <see cref="ViewShare"/>; when the shares want more than there is, each gets an
/// equal part (a query needing less leaves the rest to the others) and builds its view coarser to fit, rather than
/// growing. The total is never granted twice: a new share gets what is free, and a share holding more than its part
/// is told to rebuild smaller, then the one waiting is told to take it.
/// </summary>
internal sealed class ViewBudget
{
    // One budget per store, so every query over it (pages, pictures, the API) draws on the same memory.
    private static readonly ConditionalWeakTable<PlotStore, ViewBudget> ByStore = new();

    private readonly object _gate = new();
    private ViewShare[] _shares = [];

    /// <summary>A budget of <paramref name="totalBytes"/> (0: no limit) shared by the queries that open a share.</summary>
    public ViewBudget(long totalBytes)
    {
        if (totalBytes < 0) throw new ArgumentException($"totalBytes {totalBytes} must not be negative", nameof(totalBytes));
        TotalBytes = totalBytes;
    }

    /// <summary>The budget of the views of <paramref name="store"/>: <see cref="PlotStore.ViewMemoryBytes"/>.</summary>
    public static ViewBudget Of(PlotStore store) => ByStore.GetValue(store, static s => new ViewBudget(s.ViewMemoryBytes));

    /// <summary>Bytes all views may keep together (0: no limit).</summary>
    public long TotalBytes { get; }

    /// <summary>Bytes the open shares hold or have reserved now.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate) return Held();
        }
    }

    /// <summary>Shares open now: one per page, picture or query being built.</summary>
    public int ShareCount => Volatile.Read(ref _shares).Length;

    /// <summary>
    /// Opens a share for one query. <paramref name="fixedBytes"/> is what it keeps besides its series' views (a page's
    /// send buffer); <paramref name="changed"/> is called, under the budget's lock so it must only signal, when the
    /// share should rebuild: others left it room, or it holds more than its part.
    /// </summary>
    public ViewShare Open(long fixedBytes = 0, Action? changed = null)
    {
        var share = new ViewShare(this, fixedBytes, changed);
        lock (_gate) _shares = [.. _shares, share];
        return share;
    }

    /// <summary>
    /// Records that <paramref name="share"/> needs <paramref name="needBytes"/> at full resolution and returns what it
    /// may hold: its need, at most its equal part, and never more than the others leave free. That much is reserved
    /// until <see cref="Hold"/> says what it kept.
    /// </summary>
    internal long Grant(ViewShare share, long needBytes)
    {
        lock (_gate)
        {
            share.NeedBytes = needBytes;
            share.Stale = false;
            long granted = needBytes;
            if (TotalBytes > 0)
            {
                long free = TotalBytes - (Held() - share.HeldBytes);
                granted = Math.Max(0, Math.Min(Math.Min(needBytes, Level()), free));
            }
            share.GrantedBytes = granted;
            share.HeldBytes = granted;
            WakeOthers(share);
            return granted;
        }
    }

    /// <summary>Records that <paramref name="share"/> keeps <paramref name="bytes"/> now, giving back the rest of its grant.</summary>
    internal void Hold(ViewShare share, long bytes)
    {
        lock (_gate)
        {
            share.HeldBytes = bytes;
            WakeOthers(share);
        }
    }

    /// <summary>Closes <paramref name="share"/>: what it held goes to the others, who are told.</summary>
    internal void Close(ViewShare share)
    {
        lock (_gate)
        {
            int at = Array.IndexOf(_shares, share);
            if (at < 0) return;
            var shares = new ViewShare[_shares.Length - 1];
            Array.Copy(_shares, shares, at);
            Array.Copy(_shares, at + 1, shares, at, shares.Length - at);
            _shares = shares;
            WakeOthers(null);
        }
    }

    /// <summary>The equal part each share may take now: needs below it are met whole, the rest divide what is left (max-min fairness).</summary>
    internal long PartBytes()
    {
        lock (_gate) return TotalBytes > 0 ? Level() : long.MaxValue;
    }

    // Under the gate. Water-filling: raise the level until the shares needing less than it, met whole, and the
    // others at the level, add up to the total.
    private long Level()
    {
        var shares = _shares;
        if (shares.Length == 0) return TotalBytes;
        long level = TotalBytes / shares.Length;
        while (true)
        {
            long met = 0;
            int metCount = 0;
            foreach (var s in shares)
            {
                if (s.NeedBytes > level) continue;
                met += s.NeedBytes;
                metCount++;
            }
            if (metCount == shares.Length) return long.MaxValue;
            long next = (TotalBytes - met) / (shares.Length - metCount);
            if (next <= level) return level;
            level = next;
        }
    }

    // Under the gate.
    private long Held()
    {
        long held = 0;
        foreach (var s in _shares) held += s.HeldBytes;
        return held;
    }

    // Under the gate. A share holding more than its part must rebuild to give some back; one that was granted less
    // than its part may rebuild to take what is free now.
    private void WakeOthers(ViewShare? except)
    {
        if (TotalBytes == 0) return;
        long level = Level(), held = Held();
        foreach (var s in _shares)
        {
            if (ReferenceEquals(s, except) || s.Stale) continue;
            long part = Math.Min(s.NeedBytes, level);
            long free = TotalBytes - (held - s.HeldBytes);
            if (s.HeldBytes > part || (s.GrantedBytes < part && free > s.GrantedBytes))
            {
                s.Stale = true;
                s.Changed?.Invoke();
            }
        }
    }
}
