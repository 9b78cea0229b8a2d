using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>Text input on the live page: bad lines in the status line, and time on x drawn as a time axis.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TextPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Status_shows_how_many_text_lines_were_bad_and_the_first_one_with_its_reason()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("step,loss\n1,0.5\noops\n2,0.4\n3,x\n");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        // While streaming: the status line counts them and names the first.
        await WaitAsync(page, "p => p.status.badLines === 2 && p.status.points === 2");
        await WaitAsync(page, "() => document.getElementById('status').textContent.includes('2 bad lines')");
        var text = await page.TextContentAsync("#status");
        Assert.StartsWith("streaming · 2 points", text);
        Assert.Contains("2 bad lines", text);
        Assert.Contains(" — first bad line 3: field 1 is not a number: \"oops\"", text);

        viewer.CloseInput();
        await WaitAsync(page, "() => document.getElementById('status').dataset.state === 'finished'");
        text = await page.TextContentAsync("#status");
        Assert.StartsWith("finished · 2 points", text);
        Assert.Contains(" — first bad line 3: field 1 is not a number: \"oops\"", text);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "text-bad-lines.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Status_of_text_without_bad_lines_says_nothing_of_them()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("1\n2\n");
        viewer.CloseInput();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "() => document.getElementById('status').dataset.state === 'finished'");
        Assert.DoesNotContain("bad", await page.TextContentAsync("#status"));
        // No time on x: the help says nothing of time zones.
        Assert.False(await page.IsVisibleAsync("#time-zone"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Iso_times_piped_in_draw_a_time_axis_labelled_by_their_column()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        var rows = string.Concat(Enumerable.Range(0, 120).Select(i => $"2026-11-26T12:{i / 60:D2}:{i % 60:D2}Z,{1 + Math.Sin(i / 10.0):R}\n"));
        await viewer.WriteAsync("time,load1\n" + rows);
        viewer.CloseInput();
        var page = await browser.NewPageAsync(1200, 600);
        await page.GotoAsync(viewer.Url.ToString());
        // drawn, not only in view: the ticks read must be those of the time axis drawn with the data, not of the
        // rebuilt chart's first empty frame before its view is drawn.
        await WaitAsync(page, "p => p.panels.length === 1 && p.panels[0].time && p.panels[0].drawn === 120 && p.panels[0].xTicks.length >= 2");
        var panel = (await StateAsync(page)).GetProperty("panels")[0];
        Assert.Equal("time", panel.GetProperty("axisNames")[0].GetString());
        foreach (var t in panel.GetProperty("xTicks").EnumerateArray())
            Assert.Matches(@"^\d\d:\d\d(:\d\d)?(\n[A-Z][a-z]{2} \d{1,2} \d{4})?$", t.GetProperty("text").GetString());
        // The help says in which time zone the axis reads.
        Assert.True(await page.IsVisibleAsync("#time-zone"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "text-time-axis.png") });
        await page.Context.CloseAsync();
    }
}
