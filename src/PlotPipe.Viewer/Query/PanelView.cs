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

    /// <summary>Smoothed curves sent beside the panel's line series (the page asked for a smoothing weight).</summary>
    public int SmoothedCount { get; private set; }

    /// <summary>The meta index of the series the <paramref name="k"/>-th smoothed curve smooths.</summary>
    public int SmoothedIndexAt(int k) => _smoothedIndexes[k];

    /// <summary>The <paramref name="k"/>-th smoothed curve.</summary>
    public SeriesView SmoothedAt(int k) => _smoothed[k];

    private int[] _smoothedIndexes = new int[8];
    private SeriesView[] _smoothed = new SeriesView[8];

    internal void Clear()
    {
        SeriesCount = 0;
        SmoothedCount = 0;
    }

    internal void AddSmoothed(int seriesIndex, SeriesView view)
    {
        if (SmoothedCount == _smoothed.Length)
        {
            Array.Resize(ref _smoothedIndexes, SmoothedCount * 2);
            Array.Resize(ref _smoothed, SmoothedCount * 2);
        }
        _smoothedIndexes[SmoothedCount] = seriesIndex;
        _smoothed[SmoothedCount] = view;
        SmoothedCount++;
    }

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
