namespace PlotPipe.Viewer.Recording;

/// <summary>
/// The names a recording is made of (docs/recording.md): an Arrow IPC stream with the columns series (dictionary of
/// utf8 over int32), x and y (float64), when each batch's rows arrived in the batch's metadata, and JSON in metadata
/// so that a recording opens again as the same plot. Version 1 had a fourth column, time (timestamp[us, UTC], when
/// the viewer received each row); it is still read.
/// </summary>
internal static class RecordingFormat
{
    /// <summary>The schema metadata key that marks a PlotPipe recording; its value is the format's version.</summary>
    public const string VersionKey = "plotpipe.recording";

    /// <summary>The version this viewer writes.</summary>
    public const string Version = "2";

    /// <summary>The version before, with a time column; this viewer reads it too.</summary>
    public const string VersionWithTimeColumn = "1";

    /// <summary>The schema metadata key holding when the recording started (ISO 8601, UTC).</summary>
    public const string StartedKey = "plotpipe.started";

    /// <summary>
    /// The record batch metadata key holding the plot's definition as JSON (title, panels, producers, every series
    /// so far); written on a batch whenever it changed, so the last one read is the whole plot.
    /// </summary>
    public const string DefinitionsKey = "plotpipe.definitions";

    /// <summary>
    /// The record batch metadata keys holding when the viewer received the batch's first and its last row, as
    /// decimal microseconds since the Unix epoch (version 2; an export, whose times are unknown, has neither).
    /// </summary>
    public const string FirstReceivedKey = "plotpipe.received.first", LastReceivedKey = "plotpipe.received.last";

    /// <summary>
    /// The record batch metadata key holding the markers that arrived since the batch before, as JSON
    /// (<see cref="RecordedEvents"/>); a batch of no rows may carry markers that came with no points after them.
    /// </summary>
    public const string EventsKey = "plotpipe.events";

    /// <summary>Names of the columns, in order.</summary>
    public const string SeriesColumn = "series", XColumn = "x", YColumn = "y";

    /// <summary>Version 1's fourth column: when the viewer received each row (timestamp[us, UTC]).</summary>
    public const string TimeColumn = "time";

    /// <summary>Rows in one full record batch.</summary>
    public const int BatchRows = 65536;

    /// <summary>Microseconds since the Unix epoch, as the received keys hold them.</summary>
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
