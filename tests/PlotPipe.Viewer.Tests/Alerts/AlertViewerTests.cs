using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Hosting;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Alerts;

/// <summary>
/// <c>--alert</c> in the real viewer process: a one-point spike among a million points, with the kept points capped
/// far below that, still fires once; <c>--exit-on-alert</c> saves the picture and exits 3; a bad rule is refused.
/// </summary>
public sealed class AlertViewerTests
{
    private const int Points = 1_000_000;
    private const int SpikeAt = 500_123;

    // x,v with v in [0, 9] and one 12.5 at x = SpikeAt.
    private static async Task WriteSpikeCsvAsync(Stream input, bool close)
    {
        var text = new StringBuilder("x,v\n", 16 << 20);
        for (int i = 0; i < Points; i++)
        {
            text.Append(i).Append(',');
            if (i == SpikeAt) text.Append("12.5");
            else text.Append(i % 10);
            text.Append('\n');
        }
        try
        {
            await input.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
            await input.FlushAsync();
            if (close) input.Close();
        }
        catch (IOException) when (!close)
        {
            // A viewer that exits on the alert may close its input while the rest is on its way.
        }
    }

    private static string[] AlertLines(string errors) =>
        [.. errors.Split('\n').Where(l => l.StartsWith("plotpipe: alert:", StringComparison.Ordinal))];

    [Fact]
    public async Task A_one_point_spike_among_a_million_capped_points_fires_one_alert_at_its_x_and_one_line()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--max-points", "1000", "--alert", "v > 10");
        await WriteSpikeCsvAsync(viewer.Input, close: true);
        var status = await viewer.WaitForStateAsync("finished");
        // The cap kept a sliver of the stream: the spike's point itself is long gone from the store.
        long kept = await viewer.CountAsync("v");
        Assert.True(kept is > 0 and <= 10_000, $"kept {kept}");

        var alert = Assert.Single((await viewer.GetAsync("api/events")).EnumerateArray());
        Assert.Equal("alert", alert.GetProperty("kind").GetString());
        Assert.Equal(SpikeAt, alert.GetProperty("x").GetDouble());
        Assert.Equal($"alert: v > 10 (v = 12.5 at x = {SpikeAt})", alert.GetProperty("text").GetString());
        Assert.Equal($"plotpipe: alert: v > 10 (v = 12.5 at x = {SpikeAt})", Assert.Single(AlertLines(viewer.Errors)));
        var alerts = status.GetProperty("alerts");
        Assert.Equal(1, alerts.GetProperty("fired").GetInt64());
        Assert.Equal(["v > 10"], alerts.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Exit_on_alert_saves_the_picture_then_exits_3()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-alert-{Guid.NewGuid():N}.png");
        try
        {
            using var viewer = await CommandLineViewer.StartAsync("--stdin", "--max-points", "1000", "--alert", "v > 10", "--exit-on-alert", "--png", png);
            var writing = WriteSpikeCsvAsync(viewer.Input, close: false);
            Assert.Equal(3, await viewer.WaitForExitAsync());
            await writing;
            Assert.Single(AlertLines(viewer.Errors));
            Assert.Contains($"plotpipe: saved {png}", viewer.Errors);
            var errors = viewer.Errors.Split('\n');
            Assert.True(Array.FindIndex(errors, l => l.StartsWith("plotpipe: alert:", StringComparison.Ordinal)) < Array.IndexOf(errors, $"plotpipe: saved {png}"), viewer.Errors);
            using var picture = SkiaSharp.SKBitmap.Decode(png);
            Assert.NotNull(picture);
            Assert.True(picture.Width > 100 && picture.Height > 100, $"{picture.Width}x{picture.Height}");
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task An_alert_on_points_in_frames_fires_as_on_text()
    {
        using var viewer = await ViewerProcess.StartAsync("--alert", "loss is nan", "--alert", "loss > 100 for 3 points");
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "loss", "b-");
        await viewer.PointsAsync(0, new double[] { 0, 1, 2, 3, 4, 5, 6 }, new double[] { 1, double.NaN, 200, 200, 200, 200, double.NaN });
        await viewer.FinishAsync();
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer.Token);
        var events = new List<System.Text.Json.JsonElement>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (events.Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var body = await client.GetStringAsync(new Uri(viewer.Url, "api/events"));
            events = [.. System.Text.Json.JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone())];
            if (events.Count < 3) await Task.Delay(10);
        }
        Assert.Equal([1.0, 4.0, 6.0], events.Select(e => e.GetProperty("x").GetDouble()).Order());
        Assert.All(events, e => Assert.Equal("alert", e.GetProperty("kind").GetString()));
    }

    [Theory]
    [InlineData("train loss > 10", "after the series \"train\" comes >, >=, <, <= or is nan, not \"loss\"")]
    [InlineData("loss > 10 for 5", "for 5 what?")]
    [InlineData("loss is", "after \"loss is\" comes nan")]
    public async Task A_bad_rule_is_refused_in_one_plotpipe_line_naming_the_rule(string rule, string why)
    {
        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--alert", "v > 1", "--alert", rule);
        BadArgumentTests.AssertRefused(code, output, errors, 2, $"plotpipe: --alert \"{rule}\": ");
        Assert.Contains(why, errors);
    }

    [Fact]
    public async Task Exit_on_alert_without_a_rule_is_refused()
    {
        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--exit-on-alert");
        BadArgumentTests.AssertRefused(code, output, errors, 2, "plotpipe: --exit-on-alert needs a rule to watch");
    }
}
