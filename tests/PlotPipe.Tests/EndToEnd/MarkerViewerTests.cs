using System.Text.Json;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>Markers from the program (<see cref="LivePlot.Mark(double, string)"/>, <see cref="LivePlot.Span(double, double, string)"/>) as the real viewer lists them in /api/events.</summary>
public class MarkerViewerTests
{
    private static readonly DateTime ValveOpened = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static void Feed(LivePlot plot)
    {
        var loss = plot.Line("loss");
        for (int step = 0; step < 10; step++)
        {
            loss.Add(step, 1.0 / (step + 1));
            if (step == 3) plot.Mark(step, "learning rate dropped");
        }
        plot.Span(5, 8, "evaluation ✓");
        plot.Mark(ValveOpened, "valve opened");
        plot.Span(new DateTimeOffset(ValveOpened).AddHours(1), new DateTimeOffset(ValveOpened).AddHours(2), "flush");
    }

    private static async Task<List<JsonElement>> EventsAsync(ViewerApi api, string query = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var events = (await api.JsonAsync("api/events" + query)).EnumerateArray().ToList();
            if (events.Count >= 4 || query.Length > 0 || DateTime.UtcNow > deadline) return events;
            await Task.Delay(20);
        }
    }

    private static void AssertTheFour(List<JsonElement> events, string producer)
    {
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(["mark", "span", "mark", "span"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(["learning rate dropped", "evaluation ✓", "valve opened", "flush"], events.Select(e => e.GetProperty("text").GetString()));
        Assert.Equal(["plain", "plain", "time", "time"], events.Select(e => e.GetProperty("xKind").GetString()));
        double opened = (ValveOpened - DateTime.UnixEpoch).TotalSeconds;
        Assert.Equal([3, 5, opened, opened + 3600], events.Select(e => e.GetProperty("x").GetDouble()));
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("x2").ValueKind);
        Assert.Equal(8, events[1].GetProperty("x2").GetDouble());
        Assert.Equal(JsonValueKind.Null, events[2].GetProperty("x2").ValueKind);
        Assert.Equal(opened + 7200, events[3].GetProperty("x2").GetDouble());
        Assert.All(events, e => Assert.Equal(producer, e.GetProperty("producer").GetString()));
        // Received while this test ran: a time of today, not of the marker's x.
        double now = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        Assert.All(events, e => Assert.InRange(e.GetProperty("time").GetDouble(), now - 600, now + 1));
    }

    [Fact]
    public async Task Marks_and_spans_reach_the_spawned_viewers_events_with_their_kind_x_text_and_producer()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ProducerName = "trainer" });
        try
        {
            Feed(plot);
            plot.Finish();
            await plot.Completion;
            using var api = new ViewerApi(plot.Url);
            await api.WaitForStatusAsync(s => s.State == "finished");
            AssertTheFour(await EventsAsync(api), "trainer");
            Assert.Equal(10, (await api.SeriesAsync()).Single().Count);
            Assert.Equal(0, plot.DroppedEvents);

            // Paging by sequence number: after the second, only the last two; after the last, none.
            Assert.Equal([3L, 4], (await EventsAsync(api, "?since=2")).Select(e => e.GetProperty("seq").GetInt64()));
            Assert.Empty(await EventsAsync(api, "?since=4"));
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task Marks_and_spans_from_a_connected_producer_reach_the_listening_viewer()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        await using (var plot = await LivePlot.ConnectAsync(viewer.ProducerAddress, new LivePlotOptions { Token = viewer.Token, ProducerName = "rig" }))
        {
            Feed(plot);
        }
        AssertTheFour(await EventsAsync(api), "rig");
    }

    [Fact]
    public async Task Events_endpoint_refuses_a_request_without_the_token_and_a_since_that_is_no_number()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false });
        try
        {
            var url = plot.Url;
            using var open = new HttpClient { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)) };
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await open.GetAsync("/api/events")).StatusCode);
            open.DefaultRequestHeaders.Authorization = new("Bearer", ViewerApi.TokenOf(url));
            var bad = await open.GetAsync("/api/events?since=-1");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("since \"-1\"", await bad.Content.ReadAsStringAsync());
            Assert.Equal("[]", await open.GetStringAsync("/api/events"));
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
