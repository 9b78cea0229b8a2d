using System.Text.Json;
using PlotPipe.Tests.Support;
using Xunit;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>A spawned viewer given <see cref="LivePlotOptions.BaselinePaths"/> draws the recording under the run it plots.</summary>
public sealed class BaselineSpawnTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-baseline-spawn-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_spawned_viewer_lists_a_recording_given_as_a_baseline_without_counting_its_points()
    {
        var path = Path.Combine(_dir, "first.arrow");
        await using (var first = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, RecordPath = path, ViewerLinger = TimeSpan.Zero }))
        {
            var loss = first.Line("loss");
            for (int i = 0; i < 100; i++) loss.Add(i, 1.0 / (i + 1));
            using var api = new ViewerApi(first.Url);
            // Written to the file: a baseline reads it whole.
            await WaitAsync(async () => (await api.JsonAsync("api/status")).GetProperty("recording").GetProperty("points").GetInt64() == 100);
            first.CloseViewer();
        }
        await using var second = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, BaselinePaths = [path], ViewerLinger = TimeSpan.Zero });
        try
        {
            var loss = second.Line("loss");
            for (int i = 0; i < 10; i++) loss.Add(i, 2.0 / (i + 1));
            using var api = new ViewerApi(second.Url);
            await WaitAsync(async () => (await api.StatusAsync()).Points == 10);
            var series = await api.JsonAsync("api/series");
            Assert.Equal("loss first.arrow 100 True;loss " + series[1].GetProperty("producer").GetString() + " 10 False",
                string.Join(";", series.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()} {s.GetProperty("producer").GetString()} {s.GetProperty("count").GetInt64()} {s.GetProperty("baseline").GetBoolean()}")));
        }
        finally
        {
            second.CloseViewer();
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
