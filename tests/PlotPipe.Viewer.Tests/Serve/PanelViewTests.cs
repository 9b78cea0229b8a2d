using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>
/// The page protocol of panels against the real viewer process fed a version 2 stream: per-panel ranges, linked and
/// unlinked x, log y, hidden series and meta's plot definition, read through a raw WebSocket as the page reads them.
/// </summary>
public sealed class PanelViewTests : IDisposable
{
    private const int N = 1000;
    private readonly ViewerProcess _viewer;
    private readonly HttpClient _http = new();

    public PanelViewTests()
    {
        _viewer = ViewerProcess.StartAsync().GetAwaiter().GetResult();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _viewer.Token);
        _http.BaseAddress = new Uri(_viewer.Url.GetLeftPart(UriPartial.Authority));
    }

    public void Dispose()
    {
        _http.Dispose();
        _viewer.Dispose();
    }

    private static double Loss(int i) => i < 10 ? -i : 2.5 * Math.Exp(-i / 200.0);

    // Panel 1 (log y): loss, its first ten points at or below zero. Panel 2: two accuracies. Panel 3, not linked in x:
    // a timed clock far to the right. Panel 0: one series no panel request lists.
    private async Task FeedTrainingAsync()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefinePlot(w, [new("title", "Training")]);
        FrameWriter.WriteDefinePanel(w, 1, [new("title", "Loss"), new("ylabel", "cross-entropy"), new("yscale", "log")]);
        FrameWriter.WriteDefinePanel(w, 2, [new("title", "Accuracy")]);
        FrameWriter.WriteDefinePanel(w, 3, [new("title", "Clock"), new("linkx", "false")]);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 1, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "acc", "g-", 2, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "clock", "k-", 3, SeriesFlags.TimeX);
        FrameWriter.WriteDefineSeries(w, 3, SeriesKind.Line, "default", "r-", 0, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 4, SeriesKind.Line, "acc big", "m-", 2, SeriesFlags.None);
        var xs = new double[N];
        var loss = new double[N];
        var acc = new double[N];
        var clockX = new double[N];
        var seven = new double[N];
        var big = new double[N];
        for (int i = 0; i < N; i++)
        {
            xs[i] = i;
            loss[i] = Loss(i);
            acc[i] = i / 1000.0;
            clockX[i] = 5000 + i;
            seven[i] = 7;
            big[i] = 10 + i % 11;
        }
        FrameWriter.WritePoints(w, 0, xs, loss);
        FrameWriter.WritePoints(w, 1, xs, acc);
        FrameWriter.WritePoints(w, 2, clockX, seven);
        FrameWriter.WritePoints(w, 3, xs, seven);
        FrameWriter.WritePoints(w, 4, xs, big);
        await _viewer.Input.WriteAsync(w.WrittenMemory);
        await _viewer.Input.FlushAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = JsonDocument.Parse(await _http.GetStringAsync("/api/status")).RootElement;
            if (status.GetProperty("points").GetInt64() == 5 * N) break;
            Assert.True(DateTime.UtcNow < deadline, $"the stream did not arrive: {status}; {_viewer.Errors}");
            await Task.Delay(20);
        }
    }

    private const string ThreePanels = "\"panels\":[{\"id\":1,\"height\":200,\"y\":null},{\"id\":2,\"height\":150,\"y\":null},{\"id\":3,\"height\":100,\"y\":null,\"x\":null}]";

    [Fact]
    public async Task The_view_answering_a_numbered_request_comes_right_after_its_answer_mark()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.ReceiveMetaAsync();
        foreach (var (seq, x) in new[] { (7, "[0,300]"), (8, "[100,200]") })
        {
            await page.SendAsync($$"""{"type":"view","seq":{{seq}},"x":{{x}},"follow":null,"width":500,{{ThreePanels}},"hidden":[]}""");
            // Whatever was on the way before, the mark with this number comes, then at once the view of this request.
            Assert.Equal(seq, (await page.ReceiveAnswerAsync()).GetProperty("seq").GetInt64());
            var (next, body) = await page.ReceiveAsync();
            Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Binary, next);
            var view = DecodedView.Decode(body);
            Assert.Equal(seq == 7 ? (0.0, 300.0) : (100.0, 200.0), (view.Panels[0].XMin, view.Panels[0].XMax));
        }
    }

    [Fact]
    public async Task The_answer_mark_says_how_long_the_request_waited_and_how_long_its_view_took_to_build()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.ReceiveMetaAsync();
        await page.SendAsync($$"""{"type":"view","seq":3,"x":[0,300],"follow":null,"width":500,{{ThreePanels}},"hidden":[]}""");
        var answer = await page.ReceiveAnswerAsync();
        Assert.Equal(3, answer.GetProperty("seq").GetInt64());
        Assert.True(answer.GetProperty("waitedMs").GetDouble() >= 0, answer.ToString());
        Assert.True(answer.GetProperty("builtMs").GetDouble() >= 0, answer.ToString());
    }

    [Fact]
    public async Task Each_panel_gets_its_own_y_linked_panels_share_x_and_an_unlinked_one_fits_its_own()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.SendAsync($$"""{"type":"view","x":[0,300],"follow":null,"width":500,{{ThreePanels}},"hidden":[]}""");
        var view = await page.ReceiveViewAsync();

        Assert.Equal([1, 2, 3], view.Panels.Select(p => p.Id));
        // The series of panel 0 is not sent: the page did not list its panel.
        Assert.Equal([0, 1, 4, 2], view.AllSeries.Select(s => s.Index));

        var loss = view.Panels[0];
        Assert.Equal((0.0, 300.0), (loss.XMin, loss.XMax));
        // Log y fits the positive values in x view, padded by 5 % of the decades shown.
        double lo = Math.Log10(Loss(300)), hi = Math.Log10(Loss(10)), pad = (hi - lo) * 0.05;
        Assert.Equal(Math.Pow(10, lo - pad), loss.YMin, 12);
        Assert.Equal(Math.Pow(10, hi + pad), loss.YMax, 12);
        var lossSeries = Assert.Single(loss.Series);
        Assert.Equal(10, lossSeries.NotShown);
        Assert.All(lossSeries.Ys, y => Assert.True(double.IsNaN(y) || y > 0, $"y {y} sent on a log axis"));

        var accuracy = view.Panels[1];
        Assert.Equal((0.0, 300.0), (accuracy.XMin, accuracy.XMax));
        // Both accuracies together span 0 to 20, plus 5 % of that above and below.
        Assert.Equal((0.0 - 1, 20.0 + 1), (accuracy.YMin, accuracy.YMax));
        Assert.All(accuracy.Series, s => Assert.Equal(0, s.NotShown));

        var clock = view.Panels[2];
        Assert.Equal((5000.0, 5000.0 + N - 1), (clock.XMin, clock.XMax));
        Assert.Equal(7 - 0.35, clock.YMin, 12);
        Assert.Equal(7 + 0.35, clock.YMax, 12);
    }

    [Fact]
    public async Task A_page_that_hides_a_series_stops_getting_it_and_its_panel_stops_fitting_it()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.SendAsync($$"""{"type":"view","x":[0,300],"follow":null,"width":500,{{ThreePanels}},"hidden":[]}""");
        var all = await page.ReceiveViewAsync();
        var big = all.Panels[1].Series.Single(s => s.Index == 4);

        await page.SendAsync($$"""{"type":"view","x":[0,300],"follow":null,"width":500,{{ThreePanels}},"hidden":[4,77]}""");
        var hidden = await page.ReceiveViewUntilAsync(v => v.Panels[1].Series.Count == 1);
        Assert.Equal([0, 1, 2], hidden.AllSeries.Select(s => s.Index));
        // Exactly the hidden series' header and columns are gone from the message.
        Assert.Equal(all.Bytes - 32 - 16 * big.A, hidden.Bytes);
        // Its y no longer counts in the fit: accuracy alone spans 0 to 0.3.
        Assert.Equal(-0.015, hidden.Panels[1].YMin, 12);
        Assert.Equal(0.315, hidden.Panels[1].YMax, 12);

        // Hiding every series of a panel still sends the panel's header and ranges.
        await page.SendAsync($$"""{"type":"view","x":[0,300],"follow":null,"width":500,{{ThreePanels}},"hidden":[1,4]}""");
        var empty = await page.ReceiveViewUntilAsync(v => v.Panels[1].Series.Count == 0);
        Assert.Equal(3, empty.Panels.Count);
        Assert.Equal((0.0, 300.0), (empty.Panels[1].XMin, empty.Panels[1].XMax));
    }

    [Fact]
    public async Task Follow_ends_linked_panels_at_their_newest_x_and_an_unlinked_panel_at_its_own()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.SendAsync($$"""{"type":"view","x":null,"follow":100,"width":500,{{ThreePanels}}}""");
        var view = await page.ReceiveViewAsync();
        Assert.Equal((N - 1 - 100.0, N - 1.0), (view.Panels[0].XMin, view.Panels[0].XMax));
        Assert.Equal((N - 1 - 100.0, N - 1.0), (view.Panels[1].XMin, view.Panels[1].XMax));
        Assert.Equal((5000 + N - 1 - 100.0, 5000 + N - 1.0), (view.Panels[2].XMin, view.Panels[2].XMax));
    }

    [Fact]
    public async Task An_old_page_without_panels_gets_every_series_in_one_panel()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        await page.SendAsync("""{"type":"view","x":null,"y":null,"follow":null,"width":400,"height":300}""");
        var view = await page.ReceiveViewAsync();
        var panel = Assert.Single(view.Panels);
        Assert.Equal(0, panel.Id);
        Assert.Equal([0, 1, 2, 3, 4], panel.Series.Select(s => s.Index));
        Assert.Equal((0.0, 5000.0 + N - 1), (panel.XMin, panel.XMax));
    }

    [Fact]
    public async Task Meta_carries_the_plot_definition_and_comes_again_when_a_panel_is_redefined()
    {
        await FeedTrainingAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        var meta = await page.ReceiveMetaAsync();
        var plot = meta.GetProperty("plot");
        Assert.Equal("Training", plot.GetProperty("title").GetString());
        var panels = plot.GetProperty("panels").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3], panels.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal(("Loss", "cross-entropy", "log", "linear", true),
            (panels[1].GetProperty("title").GetString(), panels[1].GetProperty("ylabel").GetString(), panels[1].GetProperty("yscale").GetString(),
             panels[1].GetProperty("xscale").GetString(), panels[1].GetProperty("linkx").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, panels[1].GetProperty("xlabel").ValueKind);
        // The layout: the clock's panel draws time on x on its own range; the other three share the steps' x.
        Assert.Equal(["linear", "linear", "linear", "time"], panels.Select(p => p.GetProperty("xkind").GetString()));
        Assert.Equal(["linear", "log", "linear", "linear"], panels.Select(p => p.GetProperty("ykind").GetString()));
        Assert.Equal([0, 0, 0, 3], panels.Select(p => p.GetProperty("xgroup").GetInt32()));
        Assert.False(panels[3].GetProperty("linkx").GetBoolean());
        var series = meta.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3, 0, 2], series.Select(s => s.GetProperty("panel").GetInt32()));
        Assert.Equal([false, false, true, false, false], series.Select(s => s.GetProperty("time").GetBoolean()));

        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteDefinePanel(w, 2, [new("title", "Validation accuracy"), new("ylabel", "share right")]);
        await _viewer.Input.WriteAsync(w.WrittenMemory);
        await _viewer.Input.FlushAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var next = await page.ReceiveMetaAsync();
            var accuracy = next.GetProperty("plot").GetProperty("panels")[2];
            if (accuracy.GetProperty("title").GetString() == "Validation accuracy")
            {
                Assert.Equal("share right", accuracy.GetProperty("ylabel").GetString());
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "no meta with the new definition arrived");
        }
    }

    [Fact]
    public async Task A_view_whose_panel_turned_to_time_comes_after_the_meta_that_says_so()
    {
        double t0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "sensor", "");
        FrameWriter.WriteDefinePanel(w, 1, [new("title", "Room")]);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "temperature", "r-", 1, SeriesFlags.TimeX);
        FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "count", "b-", 1, SeriesFlags.None);
        await _viewer.Input.WriteAsync(w.WrittenMemory);
        await _viewer.Input.FlushAsync();
        using var page = await PageSocket.ConnectAsync(_viewer.Url, _viewer.Token);
        // No points yet and one of the two series timed: plain numbers.
        var first = await page.ReceiveMetaAsync();
        while (first.GetProperty("series").GetArrayLength() < 2) first = await page.ReceiveMetaAsync();
        Assert.Equal("linear", first.GetProperty("plot").GetProperty("panels")[0].GetProperty("xkind").GetString());
        await page.SendAsync("""{"type":"view","x":null,"follow":null,"width":400,"panels":[{"id":1,"height":200,"y":null,"x":null}]}""");

        // The timed series' points arrive first: its panel turns to time, and the page hears so before the view.
        w.ResetWrittenCount();
        FrameWriter.WritePoints(w, 0, [t0, t0 + 60], [21.5, 22]);
        await _viewer.Input.WriteAsync(w.WrittenMemory);
        await _viewer.Input.FlushAsync();
        string kind = "linear";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var (type, bytes) = await page.ReceiveAsync();
            if (type == System.Net.WebSockets.WebSocketMessageType.Text)
            {
                var message = JsonDocument.Parse(bytes).RootElement;
                if (message.GetProperty("type").GetString() == "meta")
                    kind = message.GetProperty("plot").GetProperty("panels")[0].GetProperty("xkind").GetString()!;
                continue;
            }
            var view = DecodedView.Decode(bytes);
            if (view.Panels[0].XMin >= t0)
            {
                Assert.Equal("time", kind);
                Assert.Equal((t0, t0 + 60), (view.Panels[0].XMin, view.Panels[0].XMax));
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "no view of the timed points arrived");
        }
    }
}
