using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>The page's WebSocket and the Host/Origin guard, against an in-process viewer server.</summary>
public sealed class ViewSocketTests : IAsyncLifetime
{
    private readonly PlotStore _store = new();
    private ViewerServer? _server;

    private ViewerServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), _store, new ViewerStatus(_store), CancellationToken.None);
        var line = _store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "r--"));
        var xs = new double[1000];
        var ys = new double[1000];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i * 0.01;
            ys[i] = i % 7;
        }
        line.Append(xs, ys);
        _store.Touch();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task Page_request_with_a_foreign_Host_or_Origin_is_refused()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Server.Url)).StatusCode);

        using var foreignHost = new HttpRequestMessage(HttpMethod.Get, Server.Url);
        foreignHost.Headers.Host = $"evil.example:{Server.Url.Port}";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(foreignHost)).StatusCode);

        using var foreignOrigin = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.Url, "api/status"));
        foreignOrigin.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(foreignOrigin)).StatusCode);
    }

    [Fact]
    public async Task WebSocket_from_a_foreign_Origin_is_refused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(SocketUri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Socket_sends_meta_then_the_view_the_page_asks_for()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        var meta = await socket.ReceiveMetaAsync();
        Assert.Equal("meta", meta.GetProperty("type").GetString());
        var series = meta.GetProperty("series")[0];
        Assert.Equal("signal", series.GetProperty("name").GetString());
        Assert.Equal("line", series.GetProperty("kind").GetString());
        Assert.Equal("--", series.GetProperty("line").GetString());
        Assert.Equal(JsonValueKind.Null, series.GetProperty("marker").ValueKind);
        Assert.Equal("#ff0000", series.GetProperty("color").GetString());
        Assert.Equal(1000, series.GetProperty("count").GetInt32());
        Assert.Equal("streaming", meta.GetProperty("status").GetProperty("state").GetString());

        await socket.SendAsync("""{"type":"view","x":[1,3],"y":null,"follow":null,"width":400,"height":300}""");
        var view = await ReceiveViewAsync(socket);
        Assert.Equal(1.0, view.XMin);
        Assert.Equal(3.0, view.XMax);
        // y fits the points in view (0 to 6) with 5 % padding.
        Assert.Equal(-0.3, view.YMin, 9);
        Assert.Equal(6.3, view.YMax, 9);
        var drawn = Assert.Single(view.Series);
        Assert.Equal(0, drawn.Index);
        Assert.Equal(0u, drawn.Mode);
        Assert.Equal(201, drawn.PointsInView);
        Assert.Equal(0, drawn.NotShown);
        Assert.True(drawn.A > 0);
    }

    [Fact]
    public async Task Follow_shows_the_last_span_and_new_points_arrive_without_asking()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.ReceiveMetaAsync();
        await socket.SendAsync("""{"type":"view","x":null,"y":null,"follow":2,"width":400,"height":300}""");
        var view = await ReceiveViewAsync(socket);
        Assert.Equal(7.99, view.XMin, 9);
        Assert.Equal(9.99, view.XMax, 9);

        _store.Series[0].Append([10.0, 10.5], [1.0, 2.0]);
        _store.Touch();
        var next = await ReceiveViewAsync(socket);
        Assert.Equal(8.5, next.XMin, 9);
        Assert.Equal(10.5, next.XMax, 9);
    }

    [Fact]
    public async Task A_page_that_reports_drawn_views_gets_new_data_only_after_its_report_but_zoom_answers_at_once()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.ReceiveMetaAsync();
        await socket.SendAsync("""{"type":"view","x":null,"y":null,"follow":2,"width":400,"height":300}""");
        await ReceiveViewAsync(socket);
        await socket.SendAsync("""{"type":"drawn"}""");
        _store.Series[0].Append([10.0], [1.0]);
        _store.Touch();
        var second = await ReceiveViewAsync(socket);
        Assert.Equal(10.0, second.XMax, 9);

        // The page has not reported drawing the second view: new data waits for it, so views never queue.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _store.Series[0].Append([10.5], [2.0]);
        _store.Touch();
        var held = await ReceiveViewAsync(socket);
        Assert.True(clock.Elapsed >= ViewSocket.DrawnTimeout * 0.9, $"a data-only view came after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(10.5, held.XMax, 9);

        // Still no report, but the user zoomed: that is answered at once, not after the fallback wait.
        clock.Restart();
        await socket.SendAsync("""{"type":"view","x":[1,3],"y":null,"follow":null,"width":400,"height":300}""");
        var zoomed = await ReceiveViewAsync(socket);
        Assert.Equal(1, zoomed.XMin, 9);
        Assert.Equal(3, zoomed.XMax, 9);
        Assert.True(clock.Elapsed < ViewSocket.DrawnTimeout * 0.9, $"the zoom was answered after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_numbered_zoom_is_answered_once_the_view_in_flight_is_reported_and_only_the_newest_of_two()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.ReceiveMetaAsync();
        await socket.SendAsync("""{"type":"view","x":null,"y":null,"follow":null,"width":400,"height":300,"seq":1}""");
        await ReceiveViewAsync(socket);
        // The report, then a request the viewer reads after it: that request's view is in flight, unreported.
        await socket.SendAsync("""{"type":"drawn"}""");
        await socket.SendAsync("""{"type":"view","x":[0,5],"y":null,"follow":null,"width":400,"height":300,"seq":2}""");
        Assert.Equal(5, (await ReceiveViewAsync(socket)).XMax, 9);

        // Two zooms while it is: their answers wait for the report, and the first, superseded, never goes.
        var answer = socket.ReceiveAnswerAsync();
        await socket.SendAsync("""{"type":"view","x":[1,3],"y":null,"follow":null,"width":400,"height":300,"seq":3}""");
        await socket.SendAsync("""{"type":"view","x":[2,4],"y":null,"follow":null,"width":400,"height":300,"seq":4}""");
        var waitedFor = Task.Delay(TimeSpan.FromMilliseconds(300));
        var first = await Task.WhenAny(answer, waitedFor);
        Assert.True(ReferenceEquals(first, waitedFor), first == answer ? $"answered before the report: {await answer}" : "");
        var reported = System.Diagnostics.Stopwatch.StartNew();
        await socket.SendAsync("""{"type":"drawn"}""");

        var mark = await answer;
        Assert.Equal(4, mark.GetProperty("seq").GetInt32());
        Assert.True(mark.GetProperty("heldMs").GetDouble() >= 200, mark.ToString());
        var zoomed = await ReceiveViewAsync(socket);
        Assert.Equal(2, zoomed.XMin, 9);
        Assert.Equal(4, zoomed.XMax, 9);
        Assert.True(reported.Elapsed < ViewSocket.DrawnTimeout * 0.5, $"the zoom was answered {reported.Elapsed.TotalMilliseconds} ms after the report");
    }

    [Theory]
    [InlineData("""{"type":"view","x":[-1e308,1e308],"y":[-1e308,1e308],"follow":null,"width":1e300,"height":1e300}""")]
    [InlineData("""{"type":"view","x":null,"y":null,"follow":1e308,"width":1e300,"height":1e300}""")]
    public async Task A_page_asking_for_the_whole_double_range_at_an_absurd_size_gets_a_bounded_finite_view(string request)
    {
        // A scatter dense enough to come as a density image: the view whose size the page's pixels decide.
        var rng = new Random(7);
        var xs = new double[ViewBuilder.ScatterPointLimit * 2];
        var ys = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = rng.NextDouble() * 1e6;
            ys[i] = rng.NextDouble();
        }
        _store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "cloud", "ro")).Append(xs, ys);
        _store.Touch();

        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.SendAsync(request);
        var view = await socket.ReceiveViewAsync();
        var panel = Assert.Single(view.Panels);
        double xMin = panel.XMin, xMax = panel.XMax, yMin = panel.YMin, yMax = panel.YMax;
        Assert.True(double.IsFinite(xMax - xMin) && xMax > xMin, $"x [{xMin}, {xMax}]");
        Assert.True(double.IsFinite(yMax - yMin) && yMax > yMin, $"y [{yMin}, {yMax}]");
        // At most one density image of the largest area a page may ask for, plus the line's few points and headers.
        long bound = 4L * ViewRequest.MaxAreaPx + 16L * 8 * ViewRequest.MaxSidePx + ViewMessage.HeaderBytes + ViewMessage.PanelHeaderBytes + 2 * ViewMessage.SeriesHeaderBytes;
        Assert.True(view.Bytes <= bound, $"a view of {view.Bytes:N0} bytes; the bound is {bound:N0}");
    }

    [Fact]
    public async Task Malformed_page_message_closes_the_socket_with_a_reason()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.ReceiveMetaAsync();
        await socket.SendAsync("""{"type":"view","x":[1,"a"]}""");
        var close = await socket.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, close.Status);
        Assert.Contains("\"x\"", close.Reason);
    }

    [Fact]
    public async Task Oversized_page_message_closes_the_socket()
    {
        using var socket = await PageSocket.ConnectAsync(Server.Url, Server.Token);
        await socket.ReceiveMetaAsync();
        await socket.SendAsync("{\"pad\":\"" + new string('a', ViewSocket.MaxPageMessageBytes) + "\"}");
        var close = await socket.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.Status);
    }

    private Uri SocketUri => new($"ws://127.0.0.1:{Server.Url.Port}/ws");

    // The next view's one panel, decoded as the page would read it.
    private static async Task<DecodedPanel> ReceiveViewAsync(PageSocket socket)
    {
        var panel = Assert.Single((await socket.ReceiveViewAsync()).Panels);
        Assert.Equal(0, panel.Id);
        return panel;
    }
}
