using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>One page's live connection: takes its viewport, pushes what its pixels need whenever data or viewport change.</summary>
internal static class ViewSocket
{
    /// <summary>Largest message a page may send; a view request is well under 1 KiB.</summary>
    public const int MaxPageMessageBytes = 64 * 1024;

    /// <summary>Shortest time between two views, so a page gets at most about 60 a second.</summary>
    public static readonly TimeSpan MinViewInterval = TimeSpan.FromMilliseconds(16);

    /// <summary>
    /// View bytes a second a page is sent at most by data-driven views: a page's cost follows the bytes it receives
    /// and draws, so a small view (a few series) still goes out every frame, while ten series of dense lines (about
    /// 600 KB a view in float64, 300 KB as the page's float32 offsets) come at most some 27 or 53 times a second, and
    /// the page's "drawn" holds them to what it draws. An answer to the page's request is never held by it.
    /// </summary>
    public const double ViewBytesPerSecond = 16 << 20;

    /// <summary>The shortest wait after a data-driven view of <paramref name="bytes"/> before the next.</summary>
    public static TimeSpan IntervalAfter(long bytes) =>
        TimeSpan.FromSeconds(Math.Max(MinViewInterval.TotalSeconds, bytes / ViewBytesPerSecond));

    /// <summary>Shortest time between two status updates while streaming.</summary>
    public static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest the viewer waits for a page's "drawn" before it sends the next view anyway.</summary>
    public static readonly TimeSpan DrawnTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A view longer than this goes out in pieces (frames of one WebSocket message), written from the query's own
    /// buffers: the viewer never holds a whole large message, nor does the socket copy one.
    /// </summary>
    public const int MaxPieceBytes = 1 << 20;

    /// <summary>The smallest piece, for a small view budget.</summary>
    public const int MinPieceBytes = 64 * 1024;

    /// <summary>
    /// The piece size when all views may keep <paramref name="viewBytes"/> (0: no limit): <see cref="MaxPieceBytes"/>,
    /// or less for a small budget, so a page's three piece-sized buffers (its send buffer, the socket's copy of the
    /// piece in flight, the server's output buffer), counted in its share, take about a tenth of the budget.
    /// </summary>
    public static int PieceBytesFor(long viewBytes) =>
        viewBytes == 0 ? MaxPieceBytes : (int)Math.Clamp(viewBytes / 32, MinPieceBytes, MaxPieceBytes);

    /// <summary>How long the close frame may take to go out before the socket is dropped.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often an idle socket is pinged, so a page that vanished without a close is noticed.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Upgrades a request for <c>/ws</c> to the page's WebSocket, or answers 400 and returns null when it is not a
    /// WebSocket request. The handshake (RFC 6455, 4.2) is done here, not by ASP.NET Core's WebSocket middleware:
    /// that one aborts the whole connection when the socket fails a receive, so a text message that is not UTF-8
    /// got a reset that overtook the close 1007 the socket had just sent (docs/page-protocol.md). Over the server's
    /// own stream, the connection ends in order after the close.
    /// </summary>
    public static async Task<WebSocket?> AcceptAsync(HttpContext context)
    {
        var request = context.Request;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        string key = request.Headers.SecWebSocketKey.ToString();
        if (upgrade is not { IsUpgradableRequest: true } || !HttpMethods.IsGet(request.Method)
            || !request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
            || request.Headers.SecWebSocketVersion.ToString() != "13" || !IsHandshakeKey(key))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = KeepAliveInterval });
    }

    // A handshake key is 16 random bytes in base64.
    private static bool IsHandshakeKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out int n) && n == 16;
    }

    /// <summary>Serves one WebSocket until the page goes away or the viewer stops; bad page input closes the socket, never throws.</summary>
    public static async Task RunAsync(WebSocket socket, PlotStore store, ViewerStatus status, CancellationToken cancel)
    {
        using var connection = new Connection(socket, store, status);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var receiving = connection.ReceiveAsync(cancel);
        var sending = connection.SendAsync(stopSending.Token, cancel);
        try
        {
            if (await Task.WhenAny(receiving, sending).ConfigureAwait(false) == sending)
            {
                // Sending only ends early when the socket broke; the pending receive would wait forever.
                socket.Abort();
            }
            var closing = await receiving.ConfigureAwait(false);
            // Cancelling only the waits (not a send in flight) lets the current view finish before the close frame.
            await stopSending.CancelAsync().ConfigureAwait(false);
            await sending.ConfigureAwait(false);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // Not the request's token: Kestrel may already have signalled it, and the close frame should still go out.
                using var closeTimeout = new CancellationTokenSource(CloseTimeout);
                await socket.CloseOutputAsync(closing.Status, closing.Reason, closeTimeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // A page that disappears mid-send, or a viewer shutting down, is ordinary.
            socket.Abort();
        }
        finally
        {
            await stopSending.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(receiving, sending).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private readonly record struct CloseReason(WebSocketCloseStatus Status, string? Reason);

    private sealed class Connection : IDisposable
    {
        private readonly WebSocket _socket;
        private readonly PlotStore _store;
        private readonly ViewerStatus _status;
        private readonly Channel<bool> _pageChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly object _gate = new();
        private ViewRequest _request = ViewRequest.FitAll;
        private int _requestVersion;
        // When the latest request arrived, so its answer can say how long it waited for the view before it.
        private long _requestArrived;
        // Flow control: a page that reports each drawn view gets the next one only then, so views never queue in
        // the socket behind a slow page and a zoom's answer is the very next view. Pages that never report are
        // served as before.
        private int _viewsDrawn;
        private volatile bool _pageReportsDrawn;
        // The request version the view being built answers, and whether a newer request may stop its build: a view
        // nobody will draw is not finished while the user's gesture waits behind it.
        private int _buildingFor;
        private bool _mayAbandon;
        private readonly Func<bool> _newerRequest;

        // Reused from view to view: the send buffer, the JSON writer and the query with its views.
        private byte[] _sendBuffer = new byte[MinPieceBytes];
        // Whether the view built last goes out with its points as float32 offsets (the page asked, "coords":"f32").
        private bool _float32;
        private readonly int _pieceBytes;
        private readonly ArrayBufferWriter<byte> _metaBuffer = new(4096);
        private readonly Utf8JsonWriter _metaJson;
        private readonly PlotQuery _query;
        // The layout the page was last sent in meta: a view built with another one goes after a meta that says so.
        private readonly PlotLayout _sentLayout = new();
        // The view limit the page was last told of (cell size 1 and no reason: none).
        private int _sentCellPx = 1;
        private string? _sentLimit;

        public Connection(WebSocket socket, PlotStore store, ViewerStatus status)
        {
            _socket = socket;
            _store = store;
            _status = status;
            _metaJson = new Utf8JsonWriter(_metaBuffer, JsonContext.Writer);
            // The view budget asks for a new view when it frees memory for this page or needs some back.
            _pieceBytes = PieceBytesFor(ViewBudget.Of(store).TotalBytes);
            _query = new PlotQuery(() => _pageChanged.Writer.TryWrite(true), 3L * _pieceBytes);
            _newerRequest = () => _mayAbandon && Volatile.Read(ref _requestVersion) != _buildingFor;
        }

        /// <summary>Gives the page's share of the view budget back.</summary>
        public void Dispose() => _query.Dispose();

        /// <summary>Reads page messages until the page closes or says something malformed; returns how to close.</summary>
        public async Task<CloseReason> ReceiveAsync(CancellationToken cancel)
        {
            var buffer = new byte[MaxPageMessageBytes];
            while (true)
            {
                int used = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (used == buffer.Length)
                        return new(WebSocketCloseStatus.MessageTooBig, $"page messages are limited to {MaxPageMessageBytes / 1024} KiB");
                    r = await _socket.ReceiveAsync(buffer.AsMemory(used), cancel).ConfigureAwait(false);
                    used += r.Count;
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);

                if (r.MessageType == WebSocketMessageType.Close) return new(WebSocketCloseStatus.NormalClosure, null);
                if (r.MessageType == WebSocketMessageType.Binary)
                    return new(WebSocketCloseStatus.InvalidMessageType, "the page sends text JSON only");
                if (!ViewRequest.TryParse(buffer.AsSpan(0, used), out var request, out bool isView, out var error))
                    return new(WebSocketCloseStatus.InvalidPayloadData, Shorten("bad view message: " + error));
                if (!isView)
                {
                    if (ViewRequest.IsDrawn(buffer.AsSpan(0, used)))
                    {
                        Interlocked.Increment(ref _viewsDrawn);
                        _pageReportsDrawn = true;
                        _pageChanged.Writer.TryWrite(true);
                    }
                    continue;
                }
                lock (_gate)
                {
                    _request = request;
                    _requestVersion++;
                    _requestArrived = Stopwatch.GetTimestamp();
                }
                _pageChanged.Writer.TryWrite(true);
            }
        }

        /// <summary>
        /// Sends meta, then a view whenever the data or the page's request change (at most one per
        /// <see cref="IntervalAfter"/> the last view's bytes) and status while streaming. <paramref name="stop"/> ends the waits;
        /// <paramref name="abort"/> is the only token given to sends, because cancelling a send kills the socket.
        /// </summary>
        public async Task SendAsync(CancellationToken stop, CancellationToken abort)
        {
            long seenData = -1;
            int seenRequest = 0;
            IReadOnlyList<SeriesStore>? sentSeries = null;
            long sentPlot = -1;
            StreamState? sentState = null;
            StatusReport? sentStatus = null;
            long lastView = 0, lastMeta = 0;
            // The wait after the last view sent before a data-driven one follows it (IntervalAfter its bytes).
            var viewInterval = MinViewInterval;
            int viewsSent = 0;
            Task? storeChanged = null, pageChanged = null, statusTick = null, drawnTimeout = null;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var series = _store.Series;
                    var state = _store.State;
                    long now = Stopwatch.GetTimestamp();
                    bool statusDue = state == StreamState.Streaming && Stopwatch.GetElapsedTime(lastMeta, now) >= StatusInterval;
                    // The store swaps its series list on every definition or replacement, so a new list means new meta.
                    long plotVersion = _store.Plot.Version;
                    bool defined = !ReferenceEquals(series, sentSeries) || plotVersion != sentPlot;
                    if (defined || state != sentState || statusDue)
                    {
                        var report = _status.Report();
                        if (defined || state != sentState || !report.Equals(sentStatus))
                        {
                            await SendMetaAsync(series, report, resolveLayout: true, abort).ConfigureAwait(false);
                            sentSeries = series;
                            sentPlot = plotVersion;
                            sentState = state;
                            sentStatus = report;
                        }
                        lastMeta = Stopwatch.GetTimestamp();
                    }

                    int requestVersion = Volatile.Read(ref _requestVersion);
                    // Nothing is drawn before the page has said how big its plot is.
                    bool wanted = requestVersion > 0 && (_store.Version != seenData || requestVersion != seenRequest || _query.Rebuild);
                    // Only data-driven views wait for the page: a new request is the user zooming or panning, and
                    // its answer goes out at once, even with a view still in flight.
                    bool pageBusy = requestVersion == seenRequest && ViewInFlight(viewsSent, lastView);
                    if (wanted && !pageBusy)
                    {
                        // The answer to a new request goes out as soon as it is built; only data-driven views keep
                        // the interval.
                        var wait = viewInterval - Stopwatch.GetElapsedTime(lastView);
                        if (wait > TimeSpan.Zero && requestVersion == seenRequest)
                        {
                            // A request that arrives meanwhile ends the wait, so its answer is not held for the
                            // interval; any other page message (a "drawn") only has the loop look again.
                            if (pageChanged is null || pageChanged.IsCompleted)
                            {
                                _pageChanged.Reader.TryRead(out _);
                                pageChanged = _pageChanged.Reader.WaitToReadAsync(stop).AsTask();
                            }
                            await Task.WhenAny(pageChanged, Task.Delay(wait, stop)).ConfigureAwait(false);
                            if (Stopwatch.GetElapsedTime(lastView) < viewInterval) continue;
                        }
                        // Read the version before the snapshots: anything newer triggers the next round.
                        seenData = _store.Version;
                        ViewRequest request;
                        bool answers;
                        long arrived;
                        lock (_gate)
                        {
                            request = _request;
                            answers = seenRequest != _requestVersion;
                            seenRequest = _requestVersion;
                            arrived = _requestArrived;
                        }
                        long buildStarted = Stopwatch.GetTimestamp();
                        // A data-driven view gives way to a request that arrives while it is built (the request's
                        // own view follows at once); so does the answer to a numbered request, which the page would
                        // leave undrawn once it sent a newer one. An older page's request is answered whole, or a
                        // steady stream of its requests would never see a view.
                        _buildingFor = seenRequest;
                        _mayAbandon = !answers || request.Seq is not null;
                        // Only the answer to a request, which the user waits for, takes a second build thread: a
                        // data-driven view stays on one, so the browser drawing the page keeps a core.
                        long bytes = BuildView(request, twoThreads: answers);
                        long built = Stopwatch.GetTimestamp();
                        if (_query.Abandoned) continue;
                        // A newer request came while this view was built: a page that numbers its requests would
                        // leave this one undrawn, so the next round builds the newer one instead of sending it.
                        if (request.Seq is not null && Volatile.Read(ref _requestVersion) != seenRequest)
                        {
                            continue;
                        }
                        // An answer goes out once the view before it has reached the page: on a busy machine the
                        // browser takes a large view from the socket in some 10-20 ms, so each view let in ahead of the
                        // answer delays it by that much, and the page acknowledges a view made stale by its newer
                        // request as soon as it arrives. Built meanwhile, the answer waits only for that arrival.
                        if (answers && request.Seq is not null && !await PreviousViewArrivedAsync(viewsSent, lastView, seenRequest, stop).ConfigureAwait(false))
                        {
                            continue;
                        }
                        long held = Stopwatch.GetTimestamp();
                        if (!_query.Layout.Matches(_sentLayout))
                        {
                            // The view's panels changed kind or group (a panel's first timed points, say): the page
                            // rebuilds them from meta before it draws the view.
                            sentSeries = _store.Series;
                            sentStatus = _status.Report();
                            await SendMetaAsync(sentSeries, sentStatus, resolveLayout: false, abort).ConfigureAwait(false);
                        }
                        lastView = Stopwatch.GetTimestamp();
                        // Views of an older request may still be on the way: the page tells the answer by this mark.
                        if (answers && request.Seq is long seq)
                        {
                            await SendAnswerAsync(seq, Stopwatch.GetElapsedTime(arrived, buildStarted), Stopwatch.GetElapsedTime(buildStarted, built), Stopwatch.GetElapsedTime(built, held), abort).ConfigureAwait(false);
                        }
                        if (_query.CellPx != _sentCellPx || !ReferenceEquals(_query.Limit, _sentLimit)) await SendLimitAsync(abort).ConfigureAwait(false);
                        // A view the budget cannot hold is not sent: the limit message says why.
                        if (_query.CellPx == 0) continue;
                        viewsSent = Volatile.Read(ref _viewsDrawn) + 1;
                        await SendViewAsync(bytes, abort).ConfigureAwait(false);
                        viewInterval = IntervalAfter(bytes);
                        if (_query.Histogram.SeriesIndex >= 0) await SendHistogramAsync(abort).ConfigureAwait(false);
                        continue;
                    }

                    // Keep pending waits across rounds: each fresh wait would register on the token again.
                    // Before the page's first request there is no view to refresh: wait from the current version, or this loop would spin.
                    if (storeChanged is null || storeChanged.IsCompleted)
                        storeChanged = _store.WaitForChangeAsync(requestVersion > 0 ? seenData : _store.Version, stop);
                    if (pageChanged is null || pageChanged.IsCompleted) pageChanged = _pageChanged.Reader.WaitToReadAsync(stop).AsTask();
                    if (wanted && pageBusy)
                    {
                        // Only a lost "drawn" ends this wait; the page's report arrives through pageChanged.
                        if (drawnTimeout is null || drawnTimeout.IsCompleted)
                            drawnTimeout = Task.Delay(DrawnTimeout - Stopwatch.GetElapsedTime(lastView), stop);
                        await Task.WhenAny(pageChanged, drawnTimeout).ConfigureAwait(false);
                    }
                    else if (state == StreamState.Streaming)
                    {
                        if (statusTick is null || statusTick.IsCompleted)
                        {
                            var untilStatus = StatusInterval - Stopwatch.GetElapsedTime(lastMeta);
                            statusTick = Task.Delay(untilStatus > TimeSpan.Zero ? untilStatus : TimeSpan.Zero, stop);
                        }
                        await Task.WhenAny(storeChanged, pageChanged, statusTick).ConfigureAwait(false);
                    }
                    else
                    {
                        await Task.WhenAny(storeChanged, pageChanged).ConfigureAwait(false);
                    }
                    _pageChanged.Reader.TryRead(out _);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        // Waits until the page has reported the last view sent (viewsSent: the count of reports that means) or
        // DrawnTimeout after it went; false when a newer request arrived meanwhile, whose answer replaces this one.
        private async ValueTask<bool> PreviousViewArrivedAsync(int viewsSent, long lastView, int answering, CancellationToken stop)
        {
            if (!_pageReportsDrawn) return true;
            while (ViewInFlight(viewsSent, lastView))
            {
                _pageChanged.Reader.TryRead(out _);
                var changed = _pageChanged.Reader.WaitToReadAsync(stop).AsTask();
                // Looked at again once armed: a report or request that came before the wait would not wake it.
                var left = DrawnTimeout - Stopwatch.GetElapsedTime(lastView);
                if (left <= TimeSpan.Zero || !ViewInFlight(viewsSent, lastView) || Volatile.Read(ref _requestVersion) != answering) break;
                await Task.WhenAny(changed, Task.Delay(left, stop)).ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
            }
            return Volatile.Read(ref _requestVersion) == answering;
        }

        // Whether the last view sent is still unreported by a page that reports its views (viewsSent: the count of
        // reports that means), within DrawnTimeout of its going out.
        private bool ViewInFlight(int viewsSent, long lastView) =>
            _pageReportsDrawn && viewsSent > Volatile.Read(ref _viewsDrawn) && Stopwatch.GetElapsedTime(lastView) < DrawnTimeout;

        // The answer mark says how long the request waited for the viewer (a view being built or sent before it), how
        // long its view took to build and then waited for the view before it to reach the page, so a slow answer can be
        // told apart from a slow page.
        private async ValueTask SendAnswerAsync(long seq, TimeSpan waited, TimeSpan built, TimeSpan held, CancellationToken abort)
        {
            _metaBuffer.ResetWrittenCount();
            _metaJson.Reset(_metaBuffer);
            _metaJson.WriteStartObject();
            _metaJson.WriteString("type"u8, "answer"u8);
            _metaJson.WriteNumber("seq"u8, seq);
            _metaJson.WriteNumber("waitedMs"u8, Math.Round(waited.TotalMilliseconds, 1));
            _metaJson.WriteNumber("builtMs"u8, Math.Round(built.TotalMilliseconds, 1));
            _metaJson.WriteNumber("heldMs"u8, Math.Round(held.TotalMilliseconds, 1));
            _metaJson.WriteEndObject();
            _metaJson.Flush();
            await _socket.SendAsync(_metaBuffer.WrittenMemory, WebSocketMessageType.Text, true, abort).ConfigureAwait(false);
        }

        // The histogram asked for, counted over the x of the view just sent (docs/page-protocol.md, "histogram").
        private async ValueTask SendHistogramAsync(CancellationToken abort)
        {
            var h = _query.Histogram;
            _metaBuffer.ResetWrittenCount();
            _metaJson.Reset(_metaBuffer);
            _metaJson.WriteStartObject();
            _metaJson.WriteString("type"u8, "histogram"u8);
            _metaJson.WriteNumber("series"u8, h.SeriesIndex);
            _metaJson.WriteStartArray("x"u8);
            _metaJson.WriteNumberValue(h.XMin);
            _metaJson.WriteNumberValue(h.XMax);
            _metaJson.WriteEndArray();
            _metaJson.WriteNumber("low"u8, h.Low);
            _metaJson.WriteNumber("high"u8, h.High);
            _metaJson.WriteNumber("total"u8, h.Total);
            _metaJson.WriteStartArray("counts"u8);
            foreach (long c in h.Counts) _metaJson.WriteNumberValue(c);
            _metaJson.WriteEndArray();
            _metaJson.WriteEndObject();
            _metaJson.Flush();
            await _socket.SendAsync(_metaBuffer.WrittenMemory, WebSocketMessageType.Text, true, abort).ConfigureAwait(false);
        }

        // With resolveLayout false, meta carries the layout of the view just built.
        private async ValueTask SendMetaAsync(IReadOnlyList<SeriesStore> series, StatusReport report, bool resolveLayout, CancellationToken abort)
        {
            if (resolveLayout) _query.ResolveLayout(_store);
            _sentLayout.CopyFrom(_query.Layout);
            _metaBuffer.ResetWrittenCount();
            _metaJson.Reset(_metaBuffer);
            MetaMessage.Write(_metaJson, _store.Plot, _query.Layout, series, report, _store);
            await _socket.SendAsync(_metaBuffer.WrittenMemory, WebSocketMessageType.Text, true, abort).ConfigureAwait(false);
        }

        private long BuildView(in ViewRequest request, bool twoThreads)
        {
            _query.Run(request, _store, _newerRequest, twoThreads);
            _float32 = request.Float32;
            return ViewMessage.MeasureBytes(_query, _float32);
        }

        // One message, in pieces of at most _pieceBytes through the one send buffer.
        private async ValueTask SendViewAsync(long bytes, CancellationToken abort)
        {
            long piece = Math.Min(bytes, _pieceBytes);
            if (_sendBuffer.Length < piece) _sendBuffer = new byte[(int)Math.Min(_pieceBytes, Math.Max(piece, 2L * _sendBuffer.Length))];
            long sent = 0;
            do
            {
                int n = ViewMessage.WritePart(_sendBuffer, sent, _query, _float32);
                sent += n;
                await _socket.SendAsync(_sendBuffer.AsMemory(0, n), WebSocketMessageType.Binary, sent == bytes, abort).ConfigureAwait(false);
            }
            while (sent < bytes);
        }

        private async ValueTask SendLimitAsync(CancellationToken abort)
        {
            _sentCellPx = _query.CellPx;
            _sentLimit = _query.Limit;
            _metaBuffer.ResetWrittenCount();
            _metaJson.Reset(_metaBuffer);
            _metaJson.WriteStartObject();
            _metaJson.WriteString("type"u8, "limit"u8);
            _metaJson.WriteNumber("cellPx"u8, _sentCellPx);
            _metaJson.WriteString("reason"u8, _sentLimit);
            _metaJson.WriteEndObject();
            _metaJson.Flush();
            await _socket.SendAsync(_metaBuffer.WrittenMemory, WebSocketMessageType.Text, true, abort).ConfigureAwait(false);
        }

        // A close reason must fit in a control frame (123 bytes of UTF-8): keep it ASCII and short.
        private static string Shorten(string reason)
        {
            var chars = reason.Length <= 120 ? reason.ToCharArray() : (reason[..117] + "...").ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] > 126 || chars[i] < 32) chars[i] = '?';
            }
            return new string(chars);
        }
    }
}
