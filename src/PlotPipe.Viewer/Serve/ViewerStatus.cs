using System.Diagnostics;
using System.Text.Json.Serialization;
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
            Volatile.Read(ref _exportError), _store.HeldBytes, _store.MaxMemoryBytes, _store.BadLines,
            _store.RefusedProducers,
            _store.Recording is { } r ? new RecordingReport(r.Path, r.Points, r.Bytes, r.Lost, r.Active, r.Received) : null, _store.Recording?.Problem);
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
/// <param name="RefusedProducers">TCP connections refused before any point was read (token, no Hello, too many producers).</param>
/// <param name="Recording">The recording (<c>--record</c>), or null.</param>
/// <param name="RecordError">Why the recording stopped, or how many points it missed, or null.</param>
internal sealed record StatusReport(string State, long Points, long Dropped, double PointsPerSecond, long Evicted, long OutOfOrder, string? Error,
    string? ExportError = null, long HeldBytes = 0, long MaxMemoryBytes = 0, long BadLines = 0, long RefusedProducers = 0,
    RecordingReport? Recording = null, string? RecordError = null);

/// <summary>The recording part of <c>GET /api/status</c>.</summary>
/// <param name="Path">The file written.</param>
/// <param name="Points">Points written so far.</param>
/// <param name="Bytes">Bytes written so far.</param>
/// <param name="Lost">Points not recorded (the disk could not keep up, or the recording stopped).</param>
/// <param name="Active">Whether it still writes.</param>
/// <param name="Received">Points handed to it: points + lost once its queue is empty (at once when it has stopped).</param>
internal sealed record RecordingReport(string Path, long Points, long Bytes, long Lost, bool Active, long Received = 0);

/// <summary>One row of <c>GET /api/producers</c>.</summary>
/// <param name="Name">The name it goes by (from its Hello, suffixed " (2)"... when taken).</param>
/// <param name="State">streaming, finished or disconnected.</param>
/// <param name="Points">Points held over its series.</param>
/// <param name="Dropped">Points it reported dropped before sending.</param>
/// <param name="BadLines">Lines of text input skipped as bad (0 for the binary protocol).</param>
/// <param name="Address">The remote endpoint of its connection, or "stdin".</param>
internal sealed record ProducerReport(string Name, string State, long Points, long Dropped, long BadLines, string Address);

/// <summary>One row of <c>GET /api/series</c>.</summary>
/// <param name="Name">The series' name.</param>
/// <param name="Format">Its format string as the producer gave it.</param>
/// <param name="Count">Points held.</param>
/// <param name="Kind">scatter or line.</param>
/// <param name="Color">The CSS colour it is drawn in.</param>
/// <param name="Producer">The producer that defined it: a series is known by producer and name.</param>
/// <param name="Panel">The id of the panel it is drawn in (0: the default panel).</param>
/// <param name="XIsTime">Whether its x values are time (Unix seconds).</param>
internal sealed record SeriesReport(string Name, string Format, long Count, string Kind, string Color, string Producer = "", int Panel = 0, bool XIsTime = false);

/// <summary>The body of <c>GET /api/plot</c>: the plot model as the producers defined it.</summary>
/// <param name="Title">The plot's title.</param>
/// <param name="Producers">The producers' names, in order of arrival.</param>
/// <param name="Panels">The panels, the default panel (id 0) first.</param>
internal sealed record PlotReport(string Title, IReadOnlyList<string> Producers, IReadOnlyList<PanelReport> Panels);

/// <summary>One panel of <c>GET /api/plot</c>.</summary>
/// <param name="Id">0 for the default panel, 1 to 63 for defined ones.</param>
/// <param name="Title">Shown above the panel, or null.</param>
/// <param name="XLabel">The x axis label, or null.</param>
/// <param name="YLabel">The y axis label, or null.</param>
/// <param name="XScale">linear or log.</param>
/// <param name="YScale">linear or log.</param>
/// <param name="LinkX">Whether its x range follows the other panels'.</param>
internal sealed record PanelReport(
    int Id, string? Title,
    [property: JsonPropertyName("xlabel")] string? XLabel, [property: JsonPropertyName("ylabel")] string? YLabel,
    [property: JsonPropertyName("xscale")] string XScale, [property: JsonPropertyName("yscale")] string YScale,
    [property: JsonPropertyName("linkx")] bool LinkX);
