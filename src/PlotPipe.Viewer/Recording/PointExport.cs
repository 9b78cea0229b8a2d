using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// The exact points of an x range, as CSV (<c>series,x,y</c>) or as an Arrow IPC stream in the recording's format
/// (receive times unknown, so left out), written chunk by chunk from the store's own columns: a range of any size is never
/// built in memory first. A line's sorted x is searched for the range's start; a scatter is scanned. The markers that
/// meet the range ride in the Arrow stream's first batch as a recording's do, or come as a CSV of their own.
/// </summary>
internal static class PointExport
{
    /// <summary>What to export: the series (in <c>/api/series</c> order) and the x range, both ends included.</summary>
    public sealed record Request(IReadOnlyList<SeriesStore> Series, double From, double To);

    /// <summary>
    /// Reads <c>from</c>, <c>to</c> (numbers, default: everything) and <c>series</c> (comma-separated, each an index in
    /// <c>/api/series</c> order or a series' name, which takes every series of that name; default: all) for
    /// <paramref name="store"/>; null with <paramref name="error"/> naming a bad value.
    /// </summary>
    public static Request? Parse(string? from, string? to, string? series, PlotStore store, out string? error)
    {
        error = null;
        double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        if (!string.IsNullOrEmpty(from) && !double.TryParse(from, NumberStyles.Float, CultureInfo.InvariantCulture, out lo))
            error = $"from={from} is not a number";
        else if (!string.IsNullOrEmpty(to) && !double.TryParse(to, NumberStyles.Float, CultureInfo.InvariantCulture, out hi))
            error = $"to={to} is not a number";
        else if (double.IsNaN(lo) || double.IsNaN(hi) || lo > hi)
            error = $"from={from} to={to} is not a range (from must not exceed to)";
        if (error is not null) return null;
        var all = store.Series;
        if (string.IsNullOrEmpty(series)) return new Request(all, lo, hi);
        var chosen = new List<SeriesStore>();
        foreach (var part in series.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Digits are an index, as the page sends; anything else a name, as users know their series by. Two
            // producers may each have a "loss": the name takes both.
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
            {
                if (i >= all.Count)
                {
                    error = all.Count == 0 ? $"series={part}: there are no series yet" : $"series={part} is not a series index (0 to {all.Count - 1}, as in /api/series)";
                    return null;
                }
                if (!chosen.Contains(all[i])) chosen.Add(all[i]);
                continue;
            }
            bool named = false;
            foreach (var s in all)
            {
                if (s.Name != part) continue;
                named = true;
                if (!chosen.Contains(s)) chosen.Add(s);
            }
            if (!named)
            {
                error = $"series={part} is no series' name or index (as in /api/series)";
                return null;
            }
        }
        return new Request(chosen, lo, hi);
    }

    /// <summary>
    /// Writes the request's points as CSV, a header line then one <c>series,x,y</c> line a point, numbers round-tripping
    /// exactly; a series is named as in a recording, so two producers' <c>loss</c> stay apart.
    /// </summary>
    public static async Task WriteCsvAsync(Request request, PipeWriter output, CancellationToken cancel)
    {
        Write(output, "series,x,y\n"u8);
        var held = new HeldPoints();
        var labels = Labels(request);
        for (int si = 0; si < request.Series.Count; si++)
        {
            var s = request.Series[si];
            var name = Encoding.UTF8.GetBytes(CsvField(labels[si]) + ",");
            var snapshot = s.Snapshot(out long evictedBefore);
            long i = Start(snapshot, s.Kind, request.From);
            while (i < snapshot.Count)
            {
                int chunk = (int)(i >> snapshot.Shift);
                int n = held.Copy(s, snapshot, evictedBefore, chunk, (int)(i & snapshot.Mask));
                var xs = held.X;
                var ys = held.Y;
                bool past = false;
                for (int at = 0; at < n; at++)
                {
                    double x = xs[at];
                    if (!(x >= request.From && x <= request.To))
                    {
                        // A line's x only grows: past the range's end nothing more is in it.
                        if (s.Kind == SeriesKind.Line && x > request.To)
                        {
                            past = true;
                            break;
                        }
                        continue;
                    }
                    var span = output.GetSpan(name.Length + 64);
                    name.CopyTo(span);
                    int w0 = name.Length;
                    x.TryFormat(span[w0..], out int w, "R", CultureInfo.InvariantCulture);
                    w0 += w;
                    span[w0++] = (byte)',';
                    ys[at].TryFormat(span[w0..], out w, "R", CultureInfo.InvariantCulture);
                    w0 += w;
                    span[w0++] = (byte)'\n';
                    output.Advance(w0);
                }
                if (past) break;
                i = ((long)chunk + 1) << snapshot.Shift;
                if (output.UnflushedBytes >= 1 << 16) await output.FlushAsync(cancel).ConfigureAwait(false);
            }
        }
        await output.FlushAsync(cancel).ConfigureAwait(false);
    }

    // A series' name, or, where an earlier series of the request has it, "name [producer]", as a recording's column
    // names them: a reader grouping by the column keeps two runs' "loss" apart.
    private static List<string> Labels(Request request)
    {
        var labels = new List<string>(request.Series.Count);
        var taken = new HashSet<string>();
        foreach (var s in request.Series)
        {
            string label = s.Name;
            for (int k = 2; !taken.Add(label); k++) label = k == 2 ? $"{s.Name} [{s.Producer}]" : $"{s.Name} [{s.Producer}] #{k - 1}";
            labels.Add(label);
        }
        return labels;
    }

    /// <summary>
    /// The markers held whose x (a span's [x, x2]) meets [<paramref name="from"/>, <paramref name="to"/>], oldest first:
    /// the plot's, from every producer, as the page draws them on every panel whichever series it shows.
    /// </summary>
    public static HeldEvent[] MarkersIn(PlotEvents events, double from, double to)
    {
        var held = events.Snapshot();
        int kept = 0;
        foreach (var h in held)
        {
            var e = h.Event;
            if (e.X <= to && (e.X2 ?? e.X) >= from) held[kept++] = h;
        }
        return held[..kept];
    }

    /// <summary>
    /// Writes the markers that meet the request's range as CSV: a header line then one <c>kind,x,x2,xKind,text,producer,time</c>
    /// line a marker (the rows of <c>/api/events</c> without <c>seq</c>; x2 empty but for a span), numbers round-tripping exactly.
    /// </summary>
    public static async Task WriteMarkersCsvAsync(Request request, PlotEvents events, PipeWriter output, CancellationToken cancel)
    {
        var line = new StringBuilder("kind,x,x2,xKind,text,producer,time\n");
        foreach (var h in MarkersIn(events, request.From, request.To))
        {
            var e = h.Event;
            line.Append(h.KindName).Append(',')
                .Append(e.X.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(e.X2?.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(h.XKindName).Append(',')
                .Append(CsvField(e.Text)).Append(',')
                .Append(CsvField(h.Producer)).Append(',')
                .Append(h.ReceivedUnixSeconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            // Markers are few (65,536 at most): written in pieces all the same, so a long list is not held twice.
            if (line.Length >= 1 << 15) await FlushLineAsync().ConfigureAwait(false);
        }
        await FlushLineAsync().ConfigureAwait(false);

        async Task FlushLineAsync()
        {
            var bytes = Encoding.UTF8.GetBytes(line.ToString());
            line.Clear();
            await output.WriteAsync(bytes, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the request's points as an Arrow IPC stream in the recording's format, batch by batch, with the plot's
    /// definitions and the markers that meet the range on the first batch.
    /// </summary>
    public static async Task WriteArrowAsync(Request request, PlotStore store, Stream output, CancellationToken cancel)
    {
        var messages = new ArrowMessageWriter();
        var labels = Labels(request);
        await output.WriteAsync(messages.Schema(
        [
            new(RecordingFormat.VersionKey, RecordingFormat.Version),
            new(RecordingFormat.StartedKey, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
        ]), cancel).ConfigureAwait(false);
        string? definitions = RecordedPlot.Json(store, request.Series, labels);
        var markers = MarkersIn(store.Events, request.From, request.To);
        string? events = markers.Length > 0 ? RecordedEvents.Json(markers) : null;
        // Sent even when empty: a batch may only refer to a dictionary that came before it.
        var (header, body) = messages.DictionaryBatch(labels, delta: false);
        await output.WriteAsync(header, cancel).ConfigureAwait(false);
        await output.WriteAsync(body, cancel).ConfigureAwait(false);
        var block = new RecordBlock(RecordingFormat.BatchRows);
        var held = new HeldPoints();
        for (int id = 0; id < request.Series.Count; id++)
        {
            var s = request.Series[id];
            var snapshot = s.Snapshot(out long evictedBefore);
            long i = Start(snapshot, s.Kind, request.From);
            bool past = false;
            while (i < snapshot.Count && !past)
            {
                int chunk = (int)(i >> snapshot.Shift);
                int at = 0, end = held.Copy(s, snapshot, evictedBefore, chunk, (int)(i & snapshot.Mask));
                var xs = held.X;
                var ys = held.Y;
                while (at < end)
                {
                    // The longest run of points inside the range from here, as much as the block takes.
                    int run = at;
                    while (run < end && run - at < block.Room && xs[run] >= request.From && xs[run] <= request.To) run++;
                    if (run > at)
                    {
                        block.Append(id, xs.AsSpan(at, run - at), ys.AsSpan(at, run - at), 0);
                        at = run;
                        if (block.Room == 0)
                        {
                            await WriteBlockAsync(block, messages, definitions, events, output, cancel).ConfigureAwait(false);
                            (definitions, events) = (null, null);
                        }
                        continue;
                    }
                    if (s.Kind == SeriesKind.Line && xs[at] > request.To)
                    {
                        past = true;
                        break;
                    }
                    at++;
                }
                i = ((long)chunk + 1) << snapshot.Shift;
            }
        }
        if (block.Count > 0 || definitions is not null || events is not null) await WriteBlockAsync(block, messages, definitions, events, output, cancel).ConfigureAwait(false);
        await output.WriteAsync(ArrowMessageWriter.EndOfStream, cancel).ConfigureAwait(false);
        await output.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Serves <c>GET /api/export?format=csv|arrow&amp;from=&amp;to=&amp;series=&amp;what=points|markers</c>: 400 with a
    /// line naming a bad value, else the points (or, as CSV, the markers) streamed as a download named after the plot's title.
    /// </summary>
    public static async Task ServeAsync(HttpContext context, PlotStore store)
    {
        var query = context.Request.Query;
        string format = query["format"].ToString() is { Length: > 0 } f ? f : "csv";
        var request = Parse(query["from"], query["to"], query["series"], store, out var error);
        if (error is null && format is not ("csv" or "arrow")) error = $"format={format} is not csv or arrow";
        string what = query["what"].ToString() is { Length: > 0 } w ? w : "points";
        if (error is null && what is not ("points" or "markers")) error = $"what={what} is not points or markers";
        // An Arrow export carries its markers already; a table of markers alone is CSV's, where one file holds one table.
        if (error is null && what == "markers" && format != "csv") error = $"what=markers with format={format}: markers come alone as csv; an arrow export carries them in its first batch's metadata";
        var response = context.Response;
        if (request is null || error is not null)
        {
            response.StatusCode = 400;
            await response.WriteAsync(error + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        var name = new StringBuilder();
        foreach (char c in store.Plot.Title) name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        if (name.Length == 0) name.Append("plot");
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.apache.arrow.stream";
        if (what == "markers") name.Append("-markers");
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}.{format}\"";
        if (what == "markers") await WriteMarkersCsvAsync(request, store.Events, response.BodyWriter, context.RequestAborted).ConfigureAwait(false);
        else if (format == "csv") await WriteCsvAsync(request, response.BodyWriter, context.RequestAborted).ConfigureAwait(false);
        else await WriteArrowAsync(request, store, response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteBlockAsync(RecordBlock block, ArrowMessageWriter messages, string? definitions, string? events, Stream output, CancellationToken cancel)
    {
        int rows = block.Count;
        // An export's rows have no receive time: the batch says none.
        await output.WriteAsync(messages.RecordBatch(rows, definitions, events: events), cancel).ConfigureAwait(false);
        await output.WriteAsync(block.Series[..(rows * 4)], cancel).ConfigureAwait(false);
        if ((rows & 1) != 0) await output.WriteAsync(ArrowMessageWriter.Padding[..4], cancel).ConfigureAwait(false);
        await output.WriteAsync(block.X[..(rows * 8)], cancel).ConfigureAwait(false);
        await output.WriteAsync(block.Y[..(rows * 8)], cancel).ConfigureAwait(false);
        block.Count = 0;
    }

    /// <summary>
    /// One chunk's points copied out of the store, kept only if the chunk was still held after the copy: an export
    /// can take longer than an evicted chunk waits before the store reuses it for new points, and those must not be
    /// read as the old ones. Points evicted meanwhile are gone from the viewer, so the export leaves them out too.
    /// </summary>
    private sealed class HeldPoints
    {
        public double[] X { get; private set; } = [];

        public double[] Y { get; private set; } = [];

        /// <summary>Copies points [<paramref name="from"/>, end) of <paramref name="chunk"/>; returns how many, 0 if it was evicted.</summary>
        public int Copy(SeriesStore series, in SeriesSnapshot snapshot, long evictedBefore, int chunk, int from)
        {
            int n = snapshot.CountIn(chunk) - from;
            if (X.Length < n)
            {
                X = new double[snapshot.ChunkPoints];
                Y = new double[snapshot.ChunkPoints];
            }
            snapshot.Chunks[chunk].Read(from, X.AsSpan(0, n), Y.AsSpan(0, n));
            return series.StillHeld(evictedBefore, chunk, snapshot.Shift) ? n : 0;
        }
    }

    // The first point that may be in the range: a line's sorted x is searched, a scatter starts at its first point.
    private static long Start(in SeriesSnapshot snapshot, SeriesKind kind, double from)
    {
        if (kind != SeriesKind.Line || double.IsNegativeInfinity(from)) return 0;
        long lo = 0, hi = snapshot.Count;
        while (lo < hi)
        {
            long mid = lo + (hi - lo) / 2;
            if (snapshot.X(mid) < from) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static void Write(PipeWriter output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>A CSV field: quoted when it holds a comma, a quote or a line break, quotes doubled.</summary>
    public static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
