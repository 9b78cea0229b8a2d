using PlotPipe.Viewer.Decimate;

namespace PlotPipe.Viewer.Query;

/// <summary>One panel of a query's answer: its resolved ranges and the views of its visible series, reused from query to query.</summary>
internal sealed class PanelView
{
    private int[] _seriesIndexes = new int[8];
    private SeriesView[] _views = new SeriesView[8];

    /// <summary>The panel's id.</summary>
    public int Id { get; internal set; }

    /// <summary>How the layout draws the panel: its axis kinds and x group.</summary>
    public PanelLayout Layout { get; internal set; }

    /// <summary>The resolved x and y ranges, in data units (positive on a log axis).</summary>
    public DataBounds Ranges { get; internal set; }

    /// <summary>What the panel's series were decimated for: ranges, pixels and scales.</summary>
    public Viewport Viewport { get; internal set; }

    /// <summary>Series drawn in this panel.</summary>
    public int SeriesCount { get; private set; }

    /// <summary>The meta index of the panel's <paramref name="k"/>-th series.</summary>
    public int SeriesIndexAt(int k) => _seriesIndexes[k];

    /// <summary>The view of the panel's <paramref name="k"/>-th series.</summary>
    public SeriesView ViewAt(int k) => _views[k];

    internal void Clear() => SeriesCount = 0;

    internal void Add(int seriesIndex, SeriesView view)
    {
        if (SeriesCount == _views.Length)
        {
            Array.Resize(ref _seriesIndexes, SeriesCount * 2);
            Array.Resize(ref _views, SeriesCount * 2);
        }
        _seriesIndexes[SeriesCount] = seriesIndex;
        _views[SeriesCount] = view;
        SeriesCount++;
    }
}
