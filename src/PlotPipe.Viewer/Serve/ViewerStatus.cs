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
    private readonly Func<long> _clock;
    private long _lastTicks;
    private double _rate;
    private string? _exportError;

    /// <summary>Reads its numbers from <paramref name="store"/>; <paramref name="clock"/> (Stopwatch ticks) is for tests.</summary>
    public ViewerStatus(PlotStore store, Func<long>? clock = null)
    {
        _store = store;
        _clock = clock ?? Stopwatch.GetTimestamp;
        _lastTicks = _clock();
    }

    /// <summary>The recording's numbers and its problem, when the viewer records (<c>--record</c>); Hosting composes it.</summary>
    public Func<(RecordingReport Report, string? Problem)>? Recording { get; init; }

    /// <summary>How many pages are attached now (their WebSocket open); Hosting sets it once the server listens.</summary>
    public Func<int>? OpenPages { get; set; }

    /// <summary>
    /// Whether an opened recording's play head stands still (paused, not yet playing, or at its end), when the viewer
    /// plays one; Hosting sets it. Nothing arrives then, so the rate reads 0 at once instead of fading from before.
    /// </summary>
    public Func<bool>? Paused { get; set; }

    /// <summary>The <c>--alert</c> rules and how often they fired, when the viewer has any; Hosting composes it.</summary>
    public Func<AlertsReport>? Alerts { get; init; }

    /// <summary>Records why a picture could not be drawn or saved; the status carries the latest such reason.</summary>
    public void ExportFailed(string why) => Volatile.Write(ref _exportError, why);

    /// <summary>How long the arrival rate remembers: a stream that sends once a second reads steady, not 34 then 0.</summary>
    public static readonly TimeSpan RateMemory = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The numbers now. The rate counts points that arrived (held, or since evicted), measured over at least half a
    /// second and smoothed over <see cref="RateMemory"/>, so neither a capped series nor a bursty source reads 0;
    /// a recording whose play head stands still (<see cref="Paused"/>) reads 0.
    /// </summary>
    public StatusReport Report()
    {
        // A baseline is drawn, but it is not data the viewer received: the numbers are the live runs' alone.
        long points = _store.LivePoints;
        // Series that left with their producer count on, so the totals never go back.
        var (evicted, outOfOrder, _) = _store.Retired;
        foreach (var s in _store.Series)
        {
            if (_store.IsBaseline(s)) continue;
            evicted += s.Evicted;
            outOfOrder += s.OutOfOrder;
        }
        long arrived = points + evicted;
        long now = _clock();
        bool paused = Paused?.Invoke() ?? false;
        lock (_gate)
        {
            double seconds = Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds;
            if (paused || seconds >= 0.5)
            {
                // Points a seek brings in while paused did not arrive at any rate: playing again measures afresh.
                _rate = paused ? 0 : _rate + (Math.Max(0, arrived - _lastPoints) / seconds - _rate) * (1 - Math.Exp(-seconds / RateMemory.TotalSeconds));
                _lastPoints = arrived;
                _lastTicks = now;
            }
            if (_store.State != StreamState.Streaming && arrived == _lastPoints) _rate = 0;
        }
        int stalled = 0;
        foreach (var p in _store.ProducerStates)
        {
            if (p.State == StreamState.Stalled) stalled++;
        }
        var recording = Recording?.Invoke();
        return new StatusReport(
            _store.State.ToString().ToLowerInvariant(), points, _store.TotalDropped, Math.Round(_rate), evicted, outOfOrder, _store.Error,
            Volatile.Read(ref _exportError), _store.HeldBytes, _store.MaxMemoryBytes, _store.BadLines,
            _store.Registry.Refused,
            recording?.Report, recording?.Problem,
            _store.Registry.Connected, stalled, _store.FirstBadLine, OpenPages?.Invoke() ?? 0, Alerts?.Invoke(), _store.Events.Received);
    }
}

/// <summary>The body of <c>GET /api/status</c>.</summary>
/// <param name="State">streaming, stalled (no producer streams, one or more has sent nothing for its idle timeout), finished or disconnected.</param>
/// <param name="Points">Points held over all series but baselines'.</param>
/// <param name="Dropped">Points the producer dropped before sending.</param>
/// <param name="PointsPerSecond">Recent arrival rate.</param>
/// <param name="Evicted">Oldest points removed for the per-series cap or the memory budget, or held by a replaced series or by a producer that left the list.</param>
/// <param name="OutOfOrder">Line points rejected for an x that went backwards or was NaN.</param>
/// <param name="Error">The last problem with the input, or null.</param>
/// <param name="ExportError">Why the last picture asked for (--png, --svg) could not be saved, or null.</param>
/// <param name="HeldBytes">Bytes the kept points take (columns and summaries).</param>
/// <param name="MaxMemoryBytes">The memory budget for kept points (0: none).</param>
/// <param name="BadLines">Lines of text input skipped as bad (reported on standard error with their numbers).</param>
/// <param name="RefusedProducers">TCP connections refused before any point was read (token, no Hello, too many producers or waiting connections).</param>
/// <param name="Recording">The recording (<c>--record</c>), or null.</param>
/// <param name="RecordError">Why the recording stopped, or how many points it missed, or null.</param>
/// <param name="ConnectedProducers">TCP producers connected now (at most 256 at once).</param>
/// <param name="BadLine">The first bad line of text input, its number and reason ("line 4: field 1 is not a number: \"bad\""), or null.</param>
/// <param name="StalledProducers">Connected producers that have sent nothing for their idle timeout (<c>--producer-timeout</c>).</param>
/// <param name="Pages">Pages attached now (their WebSocket open): <c>plotpipe replay --wait-for-page</c> waits for one.</param>
/// <param name="Alerts">The <c>--alert</c> rules and their firings, or null without rules.</param>
/// <param name="Events">Markers received so far (evicted ones included): a page reads <c>/api/events</c> again only when it grows.</param>
internal sealed record StatusReport(string State, long Points, long Dropped, double PointsPerSecond, long Evicted, long OutOfOrder, string? Error,
    string? ExportError = null, long HeldBytes = 0, long MaxMemoryBytes = 0, long BadLines = 0, long RefusedProducers = 0,
    RecordingReport? Recording = null, string? RecordError = null, int ConnectedProducers = 0, int StalledProducers = 0,
    string? BadLine = null, int Pages = 0, AlertsReport? Alerts = null, long Events = 0);

/// <summary>The alerts part of <c>GET /api/status</c>.</summary>
/// <param name="Fired">Firings so far over all rules and series (each is also a marker of kind alert in <c>/api/events</c>).</param>
/// <param name="Rules">The rules, as the viewer read them.</param>
internal sealed record AlertsReport(long Fired, IReadOnlyList<string> Rules);

/// <summary>The recording part of <c>GET /api/status</c>.</summary>
/// <param name="Path">The file written.</param>
/// <param name="Points">Points written so far.</param>
/// <param name="Bytes">Bytes written so far.</param>
/// <param name="Lost">Points not recorded (nothing could be written for 1 s, or the recording stopped).</param>
/// <param name="Active">Whether it still writes.</param>
/// <param name="Received">Points handed to it: points + lost once its queue is empty (at once when it has stopped).</param>
internal sealed record RecordingReport(string Path, long Points, long Bytes, long Lost, bool Active, long Received = 0);

/// <summary>One row of <c>GET /api/producers</c>.</summary>
/// <param name="Name">The name it goes by (from its Hello, suffixed " (2)"... when taken).</param>
/// <param name="State">streaming, stalled (connected, nothing received for its idle timeout), finished or disconnected.</param>
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
/// <param name="Color">The CSS colour it is drawn in on the light theme and in pictures.</param>
/// <param name="Producer">The producer that defined it: a series is known by producer and name.</param>
/// <param name="Panel">The id of the panel it is drawn in (0: the default panel).</param>
/// <param name="XIsTime">Whether its x values are time (Unix seconds).</param>
/// <param name="Run">The run it belongs to: its producer's name, made unique ("train.py", "train.py (2)").</param>
/// <param name="DarkColor">The CSS colour it is drawn in on the dark theme.</param>
/// <param name="Dash">The line it is drawn with: solid, dashed, dotted, dashdot, or none for markers alone.</param>
/// <param name="Marker">The marker drawn at its points (a matplotlib marker character), or null.</param>
/// <param name="Baseline">Whether it is a recording's, drawn as a baseline under the live runs (its producer names the recording).</param>
/// <param name="Derived">Whether the viewer computes it from other series (<c>--derive</c>).</param>
/// <param name="Expression">For a derived series, its expression; else null.</param>
/// <param name="Smooths">For a derived series smoothing one series (<c>ema</c>, <c>mean</c> of it alone), that series' name, drawn faint under it; else null.</param>
internal sealed record SeriesReport(string Name, string Format, long Count, string Kind, string Color, string Producer = "", int Panel = 0, bool XIsTime = false,
    string Run = "", string DarkColor = "", string Dash = "none", string? Marker = null, bool Baseline = false,
    bool Derived = false, string? Expression = null, string? Smooths = null);

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
