using System.Text.Json;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>The API's JSON writes quotes and apostrophes in names and marker texts as themselves, so a person reading /api/events or /api/series with curl reads them plainly.</summary>
public class PlainJsonTests
{
    [Fact]
    public async Task Quotes_and_apostrophes_in_marker_texts_and_series_names_read_plainly_in_the_api()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--events", "note");
        await viewer.WriteAsync("{\"x\": 1, \"it's \\\"y\\\"\": 2, \"note\": \"say \\\"hi\\\", it's <b>&</b>\"}\n");
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/events")).GetArrayLength() == 1, "the marker");

        var events = await viewer.GetTextAsync("api/events");
        Assert.Contains("\"text\":\"say \\\"hi\\\", it's <b>&</b>\"", events);
        var series = await viewer.GetTextAsync("api/series");
        Assert.Contains("\"name\":\"it's \\\"y\\\"\"", series);
        var status = await viewer.GetTextAsync("api/status");
        foreach (var text in new[] { events, series, status })
        {
            Assert.DoesNotContain("\\u0022", text);
            Assert.DoesNotContain("\\u0027", text);
            Assert.DoesNotContain("\\u003C", text);
            // Still JSON, and it reads back as sent.
            JsonDocument.Parse(text).Dispose();
        }
        Assert.Equal("say \"hi\", it's <b>&</b>", (await viewer.GetAsync("api/events"))[0].GetProperty("text").GetString());
    }
}
