using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Query;

/// <summary>
/// The one layout of a plot that the page (sent in meta) and the saved pictures both draw, resolved from the plot's
/// definition and its series by one rule:
/// <list type="bullet">
/// <item>Panels shown: the defined ones in order of definition (the default panel 0 first), then any panel a series
/// names without a definition, in order of its first series; the default panel only when it has series or no other
/// panel exists.</item>
/// <item>y is log when the panel's <c>yscale</c> is log, else linear.</item>
/// <item>x is time when the panel's series that hold points are all timed (while none holds points: when all its
/// series are) and their x lie within the years 1 to 9999, the dates a clock can name; else log when its
/// <c>xscale</c> is log, else linear. A time axis is never log.</item>
/// <item>x groups: a linked panel (<c>linkx</c>) shares its x range with the other linked panels of the same x kind,
/// time with time, linear with linear, log with log; an unlinked panel is a group of its own. A plot mixing kinds
/// shows each group on its own range. A group is known by the id of its first panel.</item>
/// </list>
/// One instance is reused: resolving allocates nothing.
/// </summary>
internal sealed class PlotLayout
{
    private const int MaxPanels = ProtocolLimits.MaxPanels;

    // Unix seconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59Z.
    private const double FirstDrawableTime = -62_135_596_800, LastDrawableTime = 253_402_300_799;

    private static readonly PanelDefinition[] Defaults = MakeDefaults();

    private readonly PanelLayout[] _byId = new PanelLayout[MaxPanels];
    private readonly int[] _shown = new int[MaxPanels];
    private readonly int[] _series = new int[MaxPanels];
    private readonly int[] _timed = new int[MaxPanels];
    private readonly int[] _withPoints = new int[MaxPanels];
    private readonly int[] _timedWithPoints = new int[MaxPanels];
    private readonly bool[] _undrawableTime = new bool[MaxPanels];
    private readonly PanelDefinition?[] _defined = new PanelDefinition?[MaxPanels];
    private readonly bool[] _listed = new bool[MaxPanels];
    private readonly int[] _firstLinked = new int[3];

    /// <summary>A layout of the empty plot: the default panel alone.</summary>
    public PlotLayout()
    {
        for (int id = 0; id < MaxPanels; id++) _byId[id] = new PanelLayout(Defaults[id], AxisKind.Linear, AxisKind.Linear, 0);
        Count = 1;
    }

    /// <summary>Panels shown, top to bottom.</summary>
    public int Count { get; private set; }

    /// <summary>The <paramref name="i"/>-th panel shown, from the top.</summary>
    public PanelLayout Shown(int i) => _byId[_shown[i]];

    /// <summary>The layout of panel <paramref name="id"/> (0 to 63), shown or not.</summary>
    public PanelLayout Of(int id) => _byId[id];

    /// <summary>Whether Unix seconds <paramref name="unixSeconds"/> fall within the years 1 to 9999, which a time axis can name.</summary>
    public static bool IsDrawableTime(double unixSeconds) => unixSeconds is >= FirstDrawableTime and <= LastDrawableTime;

    /// <summary>Resolves the layout of <paramref name="store"/>'s plot as it stands now.</summary>
    public void Resolve(PlotStore store) => Resolve(store.Plot.Panels, store.Series);

    /// <summary>
    /// Resolves the layout of <paramref name="definitions"/> with <paramref name="series"/>, reading series i's points
    /// from <paramref name="snapshots"/>[i] where one is given (a view's own), so the layout describes the points the view
    /// shows and not ones that arrived after; series without one are read as they stand.
    /// </summary>
    public void Resolve(IReadOnlyList<PanelDefinition> definitions, IReadOnlyList<SeriesStore> series, ReadOnlySpan<SeriesSnapshot> snapshots = default)
    {
        Array.Clear(_series);
        Array.Clear(_timed);
        Array.Clear(_withPoints);
        Array.Clear(_timedWithPoints);
        Array.Clear(_undrawableTime);
        Array.Clear(_defined);
        Array.Clear(_listed);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            int id = s.Definition.Panel;
            if ((uint)id >= MaxPanels) continue;
            bool timed = (s.Definition.Flags & SeriesFlags.TimeX) != 0;
            _series[id]++;
            if (timed) _timed[id]++;
            bool given = i < snapshots.Length && snapshots[i].Chunks is not null;
            if ((given ? snapshots[i].Count : s.Count) == 0) continue;
            _withPoints[id]++;
            if (!timed) continue;
            _timedWithPoints[id]++;
            // A line's x is sorted: its ends are its range, read without a pass over its summaries.
            var snapshot = given ? snapshots[i] : s.Snapshot();
            if (snapshot.Count == 0) continue;
            double first = snapshot.X(0), last = snapshot.X(snapshot.Count - 1);
            if (s.Kind == SeriesKind.Scatter)
            {
                var b = ViewBuilder.Bounds(snapshot);
                (first, last) = (b.XMin, b.XMax);
            }
            if (first <= last && !(IsDrawableTime(first) && IsDrawableTime(last))) _undrawableTime[id] = true;
        }

        for (int i = 0; i < definitions.Count; i++)
        {
            if ((uint)definitions[i].Id < MaxPanels) _defined[definitions[i].Id] = definitions[i];
        }
        for (int id = 0; id < MaxPanels; id++)
        {
            var definition = _defined[id] ?? Defaults[id];
            _byId[id] = new PanelLayout(definition, XKind(id, definition), definition.YScale == AxisKind.Log ? AxisKind.Log : AxisKind.Linear, id);
        }

        int count = 0;
        for (int i = 0; i < definitions.Count; i++) List(definitions[i].Id, ref count);
        for (int i = 0; i < series.Count; i++) List(series[i].Definition.Panel, ref count);
        if (count == 0) List(0, ref count);
        // The default panel stands aside for defined ones while it has no series of its own.
        if (count > 1 && _shown[0] == 0 && _series[0] == 0)
        {
            Array.Copy(_shown, 1, _shown, 0, count - 1);
            count--;
        }
        Count = count;

        // Groups are numbered by their first panel: shown panels first, top to bottom, then the others by id.
        _firstLinked.AsSpan().Fill(-1);
        for (int i = 0; i < count; i++) Group(_shown[i]);
        for (int id = 0; id < MaxPanels; id++)
        {
            if (!IsShown(id, count)) Group(id);
        }
    }

    private AxisKind XKind(int id, PanelDefinition definition)
    {
        bool time = _withPoints[id] > 0 ? _timedWithPoints[id] == _withPoints[id] : _series[id] > 0 && _timed[id] == _series[id];
        if (time && !_undrawableTime[id]) return AxisKind.Time;
        return definition.XScale == AxisKind.Log ? AxisKind.Log : AxisKind.Linear;
    }

    private void List(int id, ref int count)
    {
        if ((uint)id >= MaxPanels || _listed[id]) return;
        _listed[id] = true;
        _shown[count++] = id;
    }

    private bool IsShown(int id, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (_shown[i] == id) return true;
        }
        return false;
    }

    private void Group(int id)
    {
        var panel = _byId[id];
        if (!panel.Definition.LinkX) return;
        ref int first = ref _firstLinked[(int)panel.X];
        if (first < 0) first = id;
        _byId[id] = panel with { XGroup = first };
    }

    /// <summary>Whether <paramref name="other"/> shows the same panels with the same definitions, kinds and groups.</summary>
    public bool Matches(PlotLayout other)
    {
        if (Count != other.Count) return false;
        for (int i = 0; i < Count; i++)
        {
            if (_shown[i] != other._shown[i]) return false;
        }
        for (int id = 0; id < MaxPanels; id++)
        {
            if (_byId[id] != other._byId[id]) return false;
        }
        return true;
    }

    /// <summary>Makes this layout a copy of <paramref name="other"/>.</summary>
    public void CopyFrom(PlotLayout other)
    {
        Count = other.Count;
        Array.Copy(other._shown, _shown, MaxPanels);
        Array.Copy(other._byId, _byId, MaxPanels);
    }

    private static PanelDefinition[] MakeDefaults()
    {
        var defaults = new PanelDefinition[MaxPanels];
        for (int id = 0; id < MaxPanels; id++) defaults[id] = PanelDefinition.Default(id);
        return defaults;
    }
}
