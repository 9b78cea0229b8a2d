using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>The samples users copy, run as they run them (<c>--no-browser --png</c>), read through the viewer's API while they stream.</summary>
public class SampleTests
{
    [Fact]
    public async Task Training_sample_defines_three_panels_with_a_log_loss_axis_and_saves_its_picture()
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
        Assert.Equal(["linear", "log", "linear", "linear"], rows.Select(p => p.GetProperty("yscale").GetString()));
        var series = await WaitForAsync(api, "api/series", s => s.GetArrayLength() == 4);
        Assert.Equal([1, 1, 2, 3], series.EnumerateArray().Select(s => s.GetProperty("panel").GetInt32()));
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
                if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) return new Uri(line["PlotPipe viewer: ".Length..]);
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
            foreach (int child in ProcessTree.Children(_process.Id)) ProcessTree.Kill(child);
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
