using Microsoft.Playwright;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The token as a browser meets it: the printed address opens the page, a bare address does not.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageAccessTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_printed_address_opens_the_page_drops_the_token_from_the_address_bar_and_streams_through_the_cookie()
    {
        using var viewer = await ViewerProcess.StartAsync();
        Assert.NotNull(viewer.Token);
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "sine", "b-");
        await viewer.PointsAsync(0, new double[] { 0, 1, 2 }, new double[] { 0, 1, 0 });

        var page = await browser.NewPageAsync();
        await page.GotoAsync(viewer.Url.ToString());
        Assert.Equal($"http://127.0.0.1:{viewer.Url.Port}/", page.Url);
        await LivePageTests.WaitAsync(page, "p => p.connected && p.status.points === 3 && p.drawn > 0");

        // Points sent after the page opened arrive over the WebSocket, which carries only the cookie.
        await viewer.PointsAsync(0, new double[] { 3, 4 }, new double[] { 1, 0 });
        await LivePageTests.WaitAsync(page, "p => p.status.points === 5");

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == $"plotpipe-token-{viewer.Url.Port}");
        Assert.Equal(viewer.Token, cookie.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        // HttpOnly: the page's own scripts cannot read it.
        Assert.DoesNotContain(viewer.Token!, await page.EvaluateAsync<string>("() => document.cookie"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_browser_without_the_token_gets_401_and_no_page()
    {
        using var viewer = await ViewerProcess.StartAsync();
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{viewer.Url.Port}/");
        Assert.NotNull(response);
        Assert.Equal(401, response.Status);
        Assert.False(await page.EvaluateAsync<bool>("() => !!window.plotpipe"));
        await page.Context.CloseAsync();
    }
}
