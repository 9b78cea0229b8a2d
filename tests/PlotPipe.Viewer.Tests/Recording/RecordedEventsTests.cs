using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>The markers' JSON in a batch's metadata: read back as written, a newer kind passed over, a broken marker named.</summary>
public class RecordedEventsTests
{
    [Fact]
    public void Markers_read_back_as_written_with_their_producers()
    {
        HeldEvent[] held =
        [
            new(1, new PlotEvent(EventKind.Mark, 2.5, null, false, "lr \"dropped\" ✓"), "trainer", 1.7e9),
            new(2, new PlotEvent(EventKind.Span, 1.7e9, 1.7e9 + 60, true, "evaluation"), "trainer (2)", 1.7e9 + 1),
        ];
        var read = RecordedEvents.Parse(RecordedEvents.Json(held));
        Assert.Equal([(held[0].Event, "trainer", false), (held[1].Event, "trainer (2)", false)], read);
    }

    [Fact]
    public void A_kind_this_viewer_does_not_know_is_passed_over_so_a_newer_recording_still_opens()
    {
        var read = RecordedEvents.Parse("""[{"kind":"hologram","x":1,"x2":null,"xKind":"plain","text":"a","producer":"p"},{"kind":"mark","x":2,"x2":null,"xKind":"plain","text":"b","producer":"p"}]""");
        Assert.Equal([(new PlotEvent(EventKind.Mark, 2, null, false, "b"), "p", false)], read);
    }

    [Fact]
    public void An_alert_is_written_as_kind_alert_and_read_back_as_an_alert_mark()
    {
        HeldEvent[] held = [new(1, new PlotEvent(EventKind.Mark, 500, null, false, "alert: v > 10 (v = 12 at x = 500)"), "stdin", 1.7e9, IsAlert: true)];
        string json = RecordedEvents.Json(held);
        Assert.Contains("\"kind\":\"alert\"", json);
        Assert.Equal([(held[0].Event, "stdin", true)], RecordedEvents.Parse(json));
    }

    [Theory]
    [InlineData("""{"kind":"mark"}""", "markers are not a JSON array")]
    [InlineData("""[{"kind":"span","x":1,"x2":null,"xKind":"plain","text":"a"}]""", "marker 1: a span without its end")]
    [InlineData("""[{"kind":"mark","x":1,"x2":null,"xKind":"plain","text":"a"},{"kind":"span","x":5,"x2":4,"xKind":"plain","text":"b"}]""", "marker 2: x 5 to 4")]
    [InlineData("""[{"kind":"mark","x":1,"x2":null,"xKind":"plain","text":""}]""", "marker 1: marker text is empty")]
    [InlineData("""[{"kind":"mark","x":"one","xKind":"plain","text":"a"}]""", "markers are not readable")]
    public void A_broken_marker_is_named(string json, string why)
    {
        var e = Assert.Throws<InvalidDataException>(() => RecordedEvents.Parse(json));
        Assert.Contains(why, e.Message);
    }
}
