using System.Diagnostics;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>The status line's numbers: state, points held, points per second, points dropped, last error.</summary>
internal sealed class ViewerStatus
{
    private readonly PlotStore _store;
    private readonly object _gate = new();
    private long _lastPoints;
    private long _lastTicks = Stopwatch.GetTimestamp();
    private double _rate;
    private string? _exportError;

    /// <summary>Reads its numbers from <paramref name="store"/>.</summary>
    public ViewerStatus(PlotStore store) => _store = store;

    /// <summary>Records why a picture could not be drawn or saved; the status carries the latest such reason.</summary>
    public void ExportFailed(string why) => Volatile.Write(ref _exportError, why);

    /// <summary>The numbers now; the rate is averaged over at least half a second.</summary>
    public StatusReport Report()
    {
        long points = _store.TotalPoints;
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            double seconds = Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds;
            if (seconds >= 0.5)
            {
                _rate = (points - _lastPoints) / seconds;
                _lastPoints = points;
                _lastTicks = now;
            }
            else if (_store.State != StreamState.Streaming && points == _lastPoints)
            {
                _rate = 0;
            }
        }
        long evicted = 0, outOfOrder = 0;
        foreach (var s in _store.Series)
        {
            evicted += s.Evicted;
            outOfOrder += s.OutOfOrder;
        }
        return new StatusReport(
            _store.State.ToString().ToLowerInvariant(), points, _store.TotalDropped, Math.Round(_rate), evicted, outOfOrder, _store.Error,
            Volatile.Read(ref _exportError), _store.HeldBytes, _store.MaxMemoryBytes, _store.BadLines);
    }
}

/// <summary>The body of <c>GET /api/status</c>.</summary>
/// <param name="State">streaming, finished or disconnected.</param>
/// <param name="Points">Points held over all series.</param>
/// <param name="Dropped">Points the producer dropped before sending.</param>
/// <param name="PointsPerSecond">Recent arrival rate.</param>
/// <param name="Evicted">Oldest points removed for the per-series cap or the memory budget, or held by a replaced series.</param>
/// <param name="OutOfOrder">Line points rejected for an x that went backwards or was NaN.</param>
/// <param name="Error">The last problem with the input, or null.</param>
/// <param name="ExportError">Why the last picture asked for (--png, --svg) could not be saved, or null.</param>
/// <param name="HeldBytes">Bytes the kept points take (columns and summaries).</param>
/// <param name="MaxMemoryBytes">The memory budget for kept points (0: none).</param>
/// <param name="BadLines">Lines of text input skipped as bad (reported on standard error with their numbers).</param>
internal sealed record StatusReport(string State, long Points, long Dropped, double PointsPerSecond, long Evicted, long OutOfOrder, string? Error,
    string? ExportError = null, long HeldBytes = 0, long MaxMemoryBytes = 0, long BadLines = 0);

/// <summary>One row of <c>GET /api/series</c>.</summary>
/// <param name="Name">The series' name.</param>
/// <param name="Format">Its format string as the producer gave it.</param>
/// <param name="Count">Points held.</param>
/// <param name="Kind">scatter or line.</param>
/// <param name="Color">The CSS colour it is drawn in.</param>
internal sealed record SeriesReport(string Name, string Format, long Count, string Kind, string Color);
