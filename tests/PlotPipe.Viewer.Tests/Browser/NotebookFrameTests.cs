using System.Diagnostics;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>
/// The Python client's plot as Jupyter shows it: the HTML of its <c>_repr_html_()</c> put in a page of another
/// origin, as a notebook's output cell is, where the iframe must open the live page and draw the series.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookFrameTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_python_plot_shown_in_a_notebook_cell_draws_its_live_chart_inside_the_iframe()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-u", "-c", """
            import math, plotpipe
            plot = plotpipe.spawn(open_browser=False, title="Notebook")
            wave = plot.line("wave", "b-")
            for i in range(1000):
                wave.add(i, math.sin(i / 50))
            print("finished", plot.finish())
            print("html", plot._repr_html_())
            input()
            plot.close_viewer()
            """ }) start.ArgumentList.Add(a);
        start.Environment["PYTHONPATH"] = Path.Combine(BrowserFeed.RepoDir(), "clients", "python");
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PLOTPIPE_VIEWER"] = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll")}'";
        using var python = Process.Start(start)!;
        var errors = python.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? html = null, finished = null;
            while (html is null && await python.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("finished ", StringComparison.Ordinal)) finished = line;
                if (line.StartsWith("html ", StringComparison.Ordinal)) html = line["html ".Length..];
            }
            Assert.True(html is not null, $"python3 printed no iframe: {(python.HasExited ? await errors : "")}");
            Assert.Equal("finished True", finished);
            Assert.StartsWith("<iframe src=\"http://127.0.0.1:", html);

            // A notebook's output cell: the iframe's HTML in a page of another origin than the viewer's.
            var page = await browser.NewPageAsync();
            await page.SetContentAsync($"<!doctype html><html><body><h1>In [1]:</h1>{html}</body></html>");
            var frame = page.FrameLocator("iframe");
            try
            {
                await frame.Locator("#chart canvas").First.WaitForAsync();
            }
            catch (TimeoutException e)
            {
                var inner = page.Frames.FirstOrDefault(f => f != page.MainFrame);
                throw new TimeoutException($"no chart in the frame at {inner?.Url}: {(inner is null ? "" : await inner.ContentAsync())}", e);
            }
            var chart = await page.Frames.Single(f => f != page.MainFrame).WaitForFunctionAsync(
                "() => window.plotpipe && window.plotpipe.connected && window.plotpipe.status.points === 1000 && window.plotpipe.drawn > 0 ? window.plotpipe.status.points : 0");
            Assert.Equal(1000, await chart.JsonValueAsync<int>());
            Assert.Equal("Notebook", await frame.Locator("#title").InnerTextAsync());
            var box = await page.Locator("iframe").BoundingBoxAsync();
            Assert.NotNull(box);
            // Sized for a chart with its legend: 480 px tall (and its 1 px border).
            Assert.InRange(box.Height, 480, 483);
            await page.Context.CloseAsync();
        }
        finally
        {
            python.StandardInput.WriteLine();
            python.StandardInput.Close();
            if (!python.WaitForExit(10_000)) python.Kill(entireProcessTree: true);
        }
    }
}
