using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>The samples users copy, run as they run them (<c>--no-browser --png</c>), read through the viewer's API while they stream.</summary>
public class SampleTests
{
    [Fact]
    public async Task Training_sample_defines_three_panels_with_log_loss_and_rate_axes_and_saves_its_picture()
    {
        string png = Path.Combine(Path.GetTempPath(), $"plotpipe-training-{Guid.NewGuid():N}.png");
        using var run = SampleRun.Start("Training", "--no-browser", "--steps", "2000", "--png", png);
        using var api = new ViewerApi(await run.UrlAsync());
        var panels = await WaitForAsync(api, "api/plot", p => p.GetProperty("panels").GetArrayLength() == 4);
        Assert.Equal("Training", panels.GetProperty("title").GetString());
        var rows = panels.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal([null, "Loss", "Accuracy", "Learning rate"], rows.Select(p => p.GetProperty("title").GetString()));
        Assert.Equal([null, "cross-entropy", "accuracy", "learning rate"], rows.Select(p => p.GetProperty("ylabel").GetString()));
        Assert.Equal([null, null, null, "step"], rows.Select(p => p.GetProperty("xlabel").GetString()));
        Assert.Equal(["linear", "log", "linear", "log"], rows.Select(p => p.GetProperty("yscale").GetString()));
        // Four series of its own and the smoothed loss the viewer derives from the first; the derived one is made on
        // the loss's first point, so where it comes in the list depends on when that point arrives.
        var series = await WaitForAsync(api, "api/series", s => s.GetArrayLength() == 5);
        Assert.Equal(
            [("learning rate", 3), ("loss_ema", 1), ("train loss", 1), ("validation accuracy", 2), ("validation loss", 1)],
            series.EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("panel").GetInt32())).OrderBy(s => s.Item1, StringComparer.Ordinal));
        Assert.All(series.EnumerateArray(), s => Assert.False(s.GetProperty("xIsTime").GetBoolean()));

        Assert.Equal(0, await run.ExitAsync());
        try
        {
            Assert.Equal("89504E470D0A1A0A", Convert.ToHexString(File.ReadAllBytes(png)[..8]));
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task Training_sample_marks_its_learning_rate_changes_smooths_the_loss_and_alerts_once_at_the_first_NaN()
    {
        // The worked example of docs/markers-alerts-derived.md, without the page: 2,000 steps, so warm-up ends at
        // step 100 and the rate is divided by ten at steps 1,000 and 1,500; the loss is NaN from step 1,700.
        using var run = SampleRun.Start("Training", "--no-browser", "--steps", "2000", "--diverge-at", "1700");
        using var api = new ViewerApi(await run.UrlAsync());
        // Without --png the viewer outlives the sample, so what it holds is read after the run has ended.
        Assert.Equal(0, await run.ExitAsync());

        var series = await WaitForAsync(api, "api/series", s => s.EnumerateArray().Count(r => r.GetProperty("count").GetInt64() == 2000) == 3);
        var trainLoss = series.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "train loss");
        var smoothed = series.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "loss_ema");
        Assert.False(trainLoss.GetProperty("derived").GetBoolean());
        Assert.True(smoothed.GetProperty("derived").GetBoolean());
        Assert.Equal("ema('train loss', 0.97)", smoothed.GetProperty("expression").GetString());
        Assert.Equal(trainLoss.GetProperty("panel").GetInt32(), smoothed.GetProperty("panel").GetInt32());
        // A NaN passes through ema as a NaN point, so the smoothed loss has a point for each of the loss's.
        Assert.Equal(trainLoss.GetProperty("count").GetInt64(), smoothed.GetProperty("count").GetInt64());

        // Every point is in, and markers travel in order with the points, so the list is whole: nothing more can come.
        var events = (await api.JsonAsync("api/events")).EnumerateArray().ToList();
        Assert.Equal(
            [("span", 0.0, (double?)100.0), ("mark", 1000.0, null), ("mark", 1500.0, null), ("alert", 1700.0, null)],
            events.Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("x").GetDouble(),
                e.GetProperty("x2").ValueKind == JsonValueKind.Null ? (double?)null : e.GetProperty("x2").GetDouble())));
        Assert.Equal(["warm-up", "learning rate 1e-4", "learning rate 1e-5"], events.Take(3).Select(e => e.GetProperty("text").GetString()));
        Assert.Equal("alert: \"train loss\" is nan (\"train loss\" = NaN at x = 1700)", events[3].GetProperty("text").GetString());
        var alerts = (await api.JsonAsync("api/status")).GetProperty("alerts");
        Assert.Equal(1, alerts.GetProperty("fired").GetInt32());
        Assert.Equal(["\"train loss\" is nan"], alerts.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Sensor_sample_sends_a_day_of_timed_readings_on_two_panels()
    {
        string png = Path.Combine(Path.GetTempPath(), $"plotpipe-sensor-{Guid.NewGuid():N}.png");
        using var run = SampleRun.Start("Sensor", "--no-browser", "--png", png);
        using var api = new ViewerApi(await run.UrlAsync());
        var plot = await WaitForAsync(api, "api/plot", p => p.GetProperty("panels").GetArrayLength() == 3);
        Assert.Equal(["Temperature", "Humidity"], plot.GetProperty("panels").EnumerateArray().Skip(1).Select(p => p.GetProperty("title").GetString()));
        var series = await WaitForAsync(api, "api/series", s => s.GetArrayLength() == 2);
        Assert.Equal([1, 2], series.EnumerateArray().Select(s => s.GetProperty("panel").GetInt32()));
        Assert.All(series.EnumerateArray(), s => Assert.True(s.GetProperty("xIsTime").GetBoolean()));
        Assert.Equal(0, await run.ExitAsync());
        try
        {
            Assert.True(new FileInfo(png).Length > 0);
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static async Task<JsonElement> WaitForAsync(ViewerApi api, string path, Func<JsonElement, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var json = await api.JsonAsync(path);
            if (done(json)) return json;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"{path} never matched; last: {json}");
            await Task.Delay(20);
        }
    }

    /// <summary>A sample program run with dotnet from its build output, beside this test's (same configuration).</summary>
    private sealed class SampleRun : IDisposable
    {
        private readonly Process _process;
        private List<int> _viewers = [];

        private SampleRun(Process process) => _process = process;

        public static SampleRun Start(string sample, params string[] args)
        {
            // tests/PlotPipe.Tests/bin/<Configuration>/<tfm>/ -> samples/<sample>/bin/<Configuration>/<tfm>/
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string dll = Path.Combine(Repository.Root(), "samples", sample, "bin", output.Parent!.Name, output.Name, sample + ".dll");
            Assert.True(File.Exists(dll), $"{dll} was not built");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            foreach (var a in args) start.ArgumentList.Add(a);
            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new SampleRun(process);
        }

        public async Task<Uri> UrlAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (!line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) continue;
                // The viewer is running by the time its address is printed; once the sample has ended it is no
                // longer the sample's child, so it is found now to be ended with the run.
                _viewers = ProcessTree.Children(_process.Id);
                return new Uri(line["PlotPipe viewer: ".Length..]);
            }
            throw new InvalidOperationException("the sample ended without printing the viewer's address");
        }

        public async Task<int> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // Read on to the end, so the sample never blocks on a full pipe.
            await _process.StandardOutput.ReadToEndAsync(timeout.Token);
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            foreach (int child in ProcessTree.Children(_process.Id).Union(_viewers)) ProcessTree.Kill(child);
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
    }
}
