using System.Text;
using System.Text.Json;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary><c>--events FIELD</c>: JSON lines whose FIELD holds text are markers at their x; their numbers are plotted as usual.</summary>
public class TextEventsTests
{
    private const string Log =
        "{\"step\": 1, \"loss\": 0.9}\n" +
        "{\"step\": 2, \"loss\": 0.5, \"note\": \"learning rate dropped ✓\"}\n" +
        "{\"step\": 3, \"note\": \"checkpoint saved\"}\n" +
        "{\"step\": 4, \"loss\": 0.3, \"note\": null}\n" +
        "{\"step\": 5, \"loss\": 0.2, \"note\": \"\"}\n";

    private static TextOptions Events(string field = "note") => new() { EventsField = field };

    private static List<(double X, bool Time, string Text)> Marks(PlotStore store) =>
        [.. store.Events.Snapshot().Select(h => (h.Event.X, h.Event.XIsTime, h.Event.Text))];

    [Fact]
    public void Lines_with_the_events_field_are_marks_at_their_x_and_their_numbers_are_still_plotted_wherever_the_input_is_cut()
    {
        var bytes = Encoding.UTF8.GetBytes(Log);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var feed = TextFeed.Parse(bytes, Events(), cut);
            Assert.Empty(feed.Reports);
            Assert.Equal(["loss"], feed.Names);
            Assert.Equal([(1, 0.9), (2, 0.5), (4, 0.3), (5, 0.2)], feed.Points("loss"));
            Assert.Equal([(2.0, false, "learning rate dropped ✓"), (3.0, false, "checkpoint saved")], Marks(feed.Store));
        }
    }

    [Fact]
    public void Without_the_option_the_field_is_passed_over_and_a_line_of_only_a_note_is_bad()
    {
        var feed = TextFeed.Parse(Log);
        Assert.Empty(feed.Store.Events.Snapshot());
        Assert.Equal(1, feed.Store.BadLines);
        Assert.Contains("line 3: no numeric field", Assert.Single(feed.Reports));
    }

    [Fact]
    public void A_mark_on_a_line_with_an_ISO_time_is_a_time_mark_in_unix_seconds()
    {
        var feed = TextFeed.Parse(
            "{\"time\": \"2026-03-01T12:00:00Z\", \"temp\": 21.5}\n{\"time\": \"2026-03-01T12:00:30Z\", \"temp\": 22, \"event\": \"valve opened\"}\n",
            Events("event"));
        Assert.Empty(feed.Reports);
        double at = (new DateTime(2026, 3, 1, 12, 0, 30, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
        Assert.Equal([(at, true, "valve opened")], Marks(feed.Store));
    }

    [Theory]
    [InlineData("{\"step\": 6, \"loss\": 1, \"note\": 5}", "the marker field \"note\" (--events) holds no text")]
    [InlineData("{\"step\": 6, \"loss\": 1, \"note\": {\"a\": 1}}", "the marker field \"note\" (--events) holds no text")]
    [InlineData("{\"step\": 6, \"note\": \"\\udc00\"}", "the value of \"note\" escapes half a surrogate pair")]
    [InlineData("{\"note\": \"x\"}", "no \"step\" field for x")]
    public void A_line_whose_marker_cannot_be_kept_is_one_bad_line_with_its_reason(string bad, string reason)
    {
        var feed = TextFeed.Parse("{\"step\": 1, \"loss\": 0.9}\n" + bad + "\n{\"step\": 7, \"loss\": 0.1, \"note\": \"end\"}\n", Events());
        Assert.Equal([(1, 0.9), (7, 0.1)], feed.Points("loss"));
        Assert.Equal([(7.0, false, "end")], Marks(feed.Store));
        Assert.Contains(reason, Assert.Single(feed.Reports));
        Assert.StartsWith("line 2: ", feed.Reports[0]);
    }

    [Fact]
    public void A_marker_text_over_1024_bytes_is_a_bad_line()
    {
        var feed = TextFeed.Parse($"{{\"step\": 1, \"loss\": 1, \"note\": \"{new string('n', 1025)}\"}}\n", Events());
        Assert.Contains("has 1025 bytes of text; a marker takes at most 1024", Assert.Single(feed.Reports));
        Assert.Empty(feed.Store.Events.Snapshot());
    }

    [Fact]
    public async Task Viewer_with_events_option_lists_the_json_lines_markers_in_api_events()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--events", "note");
        await viewer.WriteAsync(Log);
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        Assert.Equal(4, await viewer.CountAsync("loss"));
        var events = (await viewer.GetAsync("api/events")).EnumerateArray().ToList();
        Assert.Equal(["learning rate dropped ✓", "checkpoint saved"], events.Select(e => e.GetProperty("text").GetString()));
        Assert.Equal([2.0, 3.0], events.Select(e => e.GetProperty("x").GetDouble()));
        Assert.All(events, e => Assert.Equal("mark", e.GetProperty("kind").GetString()));
        Assert.All(events, e => Assert.Equal("stdin", e.GetProperty("producer").GetString()));
        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("x2").ValueKind));
    }
}
