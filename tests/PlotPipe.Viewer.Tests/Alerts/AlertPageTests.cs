using PlotPipe.Viewer.Tests.Support;
using static PlotPipe.Viewer.Tests.Support.BrowserFeed;

namespace PlotPipe.Viewer.Tests.Alerts;

/// <summary>The page's status counts the <c>--alert</c> firings in a badge, its tooltip the rules.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Status_shows_a_badge_counting_alerts_once_a_rule_fires_and_none_before()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--alert", "v > 10");
        await viewer.WriteAsync("x,v\n1,1\n2,2\n");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        await WaitAsync(page, "p => p.status.points === 2");
        Assert.Equal(0, await page.Locator(".alert-badge").CountAsync());

        await viewer.WriteAsync("3,12\n4,1\n5,13\n");
        await WaitAsync(page, "() => document.querySelector('.alert-badge') && document.querySelector('.alert-badge').textContent.includes('2 alerts')");
        Assert.Equal("rules: v > 10", await page.Locator(".alert-badge").GetAttributeAsync("title"));
        await page.Context.CloseAsync();
    }
}
