using System.Text.Json;
using PlotPipe.Tests.Connect.Support;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary><see cref="LivePlotOptions.Alerts"/>: the spawned viewer watches every point with the rules given, as <c>plotpipe view --alert</c> does.</summary>
public class AlertOptionTests
{
    [Fact]
    public async Task Alerts_given_to_the_spawned_viewer_fire_on_the_producers_points()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, ProducerName = "trainer", Alerts = ["loss > 10", "loss is nan"] });
        try
        {
            var loss = plot.Line("loss");
            for (int step = 0; step < 1000; step++) loss.Add(step, step == 700 ? 50 : step == 900 ? double.NaN : 1.0 / (step + 1));
            plot.Finish();
            await plot.Completion;
            using var api = new ViewerApi(plot.Url);
            await api.WaitForStatusAsync(s => s.State == "finished");
            var events = new List<JsonElement>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (events.Count < 2 && DateTime.UtcNow < deadline)
            {
                events = [.. (await api.JsonAsync("api/events")).EnumerateArray()];
                if (events.Count < 2) await Task.Delay(20);
            }
            Assert.Equal([700.0, 900.0], events.Select(e => e.GetProperty("x").GetDouble()));
            Assert.All(events, e => Assert.Equal("alert", e.GetProperty("kind").GetString()));
            Assert.All(events, e => Assert.Equal("trainer", e.GetProperty("producer").GetString()));
            Assert.Equal("alert: loss > 10 (loss = 50 at x = 700)", events[0].GetProperty("text").GetString());
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task With_ExitOnAlert_the_spawned_viewer_stops_on_the_first_firing_with_code_3_after_saving_its_picture()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-exit-on-alert-{Guid.NewGuid():N}.png");
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false, Alerts = ["loss > 10"], ExitOnAlert = true, SavePngPath = png });
        try
        {
            var loss = plot.Line("loss");
            // The stream is never finished: only the alert can end the viewer.
            for (int step = 0; step < 100; step++) loss.Add(step, step == 70 ? 50 : 1.0 / (step + 1));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            int code = await plot.WaitForViewerExitAsync(wait.Token);
            Assert.Equal(LivePlotOptions.AlertExitCode, code);
            Assert.Equal(3, code);
            Assert.True(new FileInfo(png).Length > 0, "the picture was not saved before the viewer exited");
            // The program goes on: adding after the viewer is gone neither throws nor blocks.
            loss.Add(100, 1);
            await plot.DisposeAsync();
        }
        finally
        {
            plot.CloseViewer();
            File.Delete(png);
        }
    }

    [Fact]
    public async Task A_rule_the_viewer_cannot_read_stops_the_spawn_naming_the_rule()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, Alerts = ["train loss > 10"] }));
        Assert.Contains("--alert \"train loss > 10\"", e.Message);
    }
}
