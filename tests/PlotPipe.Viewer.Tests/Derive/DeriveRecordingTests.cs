using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Tests.Recording;
using PlotPipe.Viewer.Tests.Support;
using Xunit;
using static PlotPipe.Viewer.Tests.Derive.DeriveCheck;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>
/// Derived series and recordings in the real viewer process: the rules in force are recorded as definitions (never as
/// points), and opening or playing the recording derives them again with the values they had live.
/// </summary>
public sealed class DeriveRecordingTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("plotpipe-derive-rec-");

    public void Dispose() => _dir.Delete(recursive: true);

    // A loss falling from 3 with noise up to 0.2, at uneven steps.
    private static (double[] X, double[] Y) Loss(int n) => DeriveCheck.Loss(n, seed: 11, top: 3, noise: 0.2);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Rows(double[] xs, double[] ys, int from, int to)
    {
        var text = new StringBuilder();
        for (int i = from; i < to; i++) text.Append(R(xs[i])).Append(',').Append(R(ys[i])).Append('\n');
        return text.ToString();
    }

    private static async Task<string> PostAsync(CommandLineViewer viewer, string path, string body = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(viewer.Url, path)) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static Dictionary<string, System.Text.Json.JsonElement> Series(System.Text.Json.JsonElement list) =>
        list.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

    // The last definitions of the file, read by the viewer's own reader, and the series column's values.
    private static (RecordedPlot Plot, IReadOnlyList<string> Labels) Definitions(string path)
    {
        using var file = File.OpenRead(path);
        var reader = new RecordingReader(file);
        while (reader.Next())
        {
        }
        return (reader.Plot!, reader.Labels);
    }

    // Records `n` points of the loss in two batches (the second after `between` has run) with `args`; returns the file.
    private async Task<(string Path, double[] X, double[] Y)> RecordAsync(int n, string[] args, Func<CommandLineViewer, Task>? between = null)
    {
        var (xs, ys) = Loss(n);
        var file = Path.Combine(_dir.FullName, "run.arrow");
        using var viewer = await CommandLineViewer.StartAsync(["--stdin", "--record", file, "--exit-on-finish", .. args]);
        await viewer.WriteAsync("step,loss\n" + Rows(xs, ys, 0, n / 2));
        // Written before the second half comes, so the halves are two batches: two places on the timeline.
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("recording").GetProperty("points").GetInt64() == n / 2, "the first half recorded");
        if (between is not null) await between(viewer);
        await viewer.WriteAsync(Rows(xs, ys, n / 2, n));
        viewer.CloseInput();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        return (file, xs, ys);
    }

    [Fact]
    public async Task Opening_a_recording_derives_its_recorded_rule_with_exactly_the_values_it_had_live()
    {
        const int n = 3000;
        var (file, xs, ys) = await RecordAsync(n, ["--derive", "s = ema(loss, 0.9)"]);

        // The file holds the received series alone, and the rule as a definition another Arrow reader sees too.
        var (plot, labels) = Definitions(file);
        Assert.Equal(["loss"], labels);
        Assert.Equal([new RecordedRule("s", "ema(loss, 0.9)")], plot.Derived!);
        var js = await ArrowJs.ReadAsync(file);
        Assert.Null(js.Error);
        Assert.Equal(["loss"], js.SeriesNames);
        Assert.Equal(n, js.Rows);
        var derived = js.Derived!.Value.EnumerateArray().Single();
        Assert.Equal("s", derived.GetProperty("name").GetString());
        Assert.Equal("ema(loss, 0.9)", derived.GetProperty("expression").GetString());

        using var opened = await CommandLineViewer.StartAsync(file);
        await opened.WaitForStateAsync("finished");
        var series = Series(await opened.GetAsync("api/series"));
        Assert.True(series["s"].GetProperty("derived").GetBoolean());
        Assert.Equal("ema(loss, 0.9)", series["s"].GetProperty("expression").GetString());
        Assert.Equal(n, series["loss"].GetProperty("count").GetInt64());
        Assert.Equal(n, series["s"].GetProperty("count").GetInt64());
        var ema = Ema(ys, 0.9);
        Assert.Equal(xs.Zip(ema), await ExportAsync(opened, "s"));
    }

    [Fact]
    public async Task A_rule_added_from_the_page_reaches_the_recording_and_comes_back_when_it_is_opened()
    {
        const int n = 2000;
        var (file, xs, ys) = await RecordAsync(n, [], viewer => PostAsync(viewer, "api/derived", "d = loss * 2"));

        var (plot, labels) = Definitions(file);
        Assert.Equal(["loss"], labels);
        Assert.Equal([new RecordedRule("d", "loss * 2")], plot.Derived!);

        using var opened = await CommandLineViewer.StartAsync(file);
        await opened.WaitForStateAsync("finished");
        Assert.Equal(n, await opened.CountAsync("d"));
        Assert.Equal(xs.Zip(ys.Select(y => y * 2)), await ExportAsync(opened, "d"));
    }

    [Fact]
    public async Task A_rule_added_from_the_page_after_the_last_point_is_still_recorded()
    {
        var file = Path.Combine(_dir.FullName, "late.arrow");
        using (var viewer = await CommandLineViewer.StartAsync("--stdin", "--record", file))
        {
            await viewer.WriteAsync("step,loss\n1,4\n2,1\n");
            await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == 2, "the points");
            await PostAsync(viewer, "api/derived", "late = loss + 1");
            // Written on a batch of its own, without waiting for more points or the end: a viewer killed now keeps it.
            // Read while it is written: until the first batch is whole the file has no definitions yet.
            await viewer.WaitForAsync(() => Task.FromResult((Definitions(file).Plot as RecordedPlot)?.Derived is { Count: 1 }), "the rule in the file");
        }
        using var opened = await CommandLineViewer.StartAsync(file);
        await opened.WaitForAsync(async () => await opened.CountAsync("late") == 2, "the derived series");
        Assert.Equal([(1.0, 5.0), (2.0, 2.0)], await ExportAsync(opened, "late"));
    }

    [Fact]
    public async Task A_derive_given_at_open_wins_over_the_recorded_rule_of_the_same_name_and_says_so()
    {
        var (file, xs, ys) = await RecordAsync(10, ["--derive", "s = ema(loss, 0.9)"]);
        using var opened = await CommandLineViewer.StartAsync(file, "--derive", "s = loss * 3");
        await opened.WaitForStateAsync("finished");
        Assert.Equal(xs.Zip(ys.Select(y => y * 3)), await ExportAsync(opened, "s"));
        await opened.WaitForAsync(() => Task.FromResult(opened.Errors.Contains("the recording's derived series rule \"s = ema(loss, 0.9)\" is not used: \"s = loss * 3\" of this viewer names the same series")), "the line saying so");
    }

    [Fact]
    public async Task Seeking_back_on_the_timeline_derives_the_same_values_again()
    {
        const int n = 1000;
        var (file, xs, ys) = await RecordAsync(n, ["--derive", "s = ema(loss, 0.9)"]);
        using var opened = await CommandLineViewer.StartAsync(file);
        await opened.WaitForStateAsync("finished");
        var ema = xs.Zip(Ema(ys, 0.9)).ToList();
        Assert.Equal(ema, await ExportAsync(opened, "s"));
        // To the start and back to the end: the points are played again, and their EMA starts again with them.
        await PostAsync(opened, "api/timeline?seek=0");
        Assert.True(await opened.CountAsync("s") < n);
        var length = (await opened.GetAsync("api/timeline")).GetProperty("lengthSeconds").GetDouble();
        await PostAsync(opened, $"api/timeline?seek={R(length)}");
        Assert.Equal(n, await opened.CountAsync("s"));
        Assert.Equal(ema, await ExportAsync(opened, "s"));
    }

    [Fact]
    public async Task A_recording_opened_with_record_copies_the_rules_and_derives_them_while_loading()
    {
        const int n = 500;
        var (file, xs, ys) = await RecordAsync(n, ["--derive", "s = ema(loss, 0.9)"]);
        var copy = Path.Combine(_dir.FullName, "copy.arrow");
        // With --record, the file is loaded whole through the sinks (the copy's recording among them), not played.
        using (var opened = await CommandLineViewer.StartAsync(file, "--record", copy, "--exit-on-finish"))
        {
            Assert.Equal(0, await opened.WaitForExitAsync());
        }
        var (plot, labels) = Definitions(copy);
        Assert.Equal(["loss"], labels);
        Assert.Equal([new RecordedRule("s", "ema(loss, 0.9)")], plot.Derived!);
        using var again = await CommandLineViewer.StartAsync(copy);
        await again.WaitForStateAsync("finished");
        Assert.Equal(xs.Zip(Ema(ys, 0.9)), await ExportAsync(again, "s"));
    }

    [Fact]
    public void Definitions_without_rules_read_as_none_and_rules_written_read_back()
    {
        const string before = """{"title": "a run", "panels": [], "producers": [], "series": [{"label": "loss", "name": "loss", "producer": "", "id": 0, "kind": "scatter", "format": "o", "panel": 0, "flags": 0}]}""";
        Assert.Null(RecordedPlot.Parse(before).Derived);
        var withRules = before[..^1] + """, "derived": [{"name": "s", "expression": "ema(loss, 0.9)"}]}""";
        Assert.Equal([new RecordedRule("s", "ema(loss, 0.9)")], RecordedPlot.Parse(withRules).Derived!);
        var bad = Assert.Throws<InvalidDataException>(() => RecordedPlot.Parse(before[..^1] + """, "derived": [{"name": "", "expression": "loss"}]}"""));
        Assert.Equal("derived[0] has an empty name", bad.Message);
    }
}
