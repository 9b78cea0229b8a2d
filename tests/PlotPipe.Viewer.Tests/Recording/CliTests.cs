using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary><c>plotpipe replay</c> and <c>plotpipe export</c> run as a user runs them, on a recording the real viewer made.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-cli-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Output, string Errors)> PlotPipeAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, .. args], environment: environment);

    private static string Counts(JsonElement series) =>
        string.Join(";", series.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}={s.GetProperty("count").GetInt64()}"));

    [Fact]
    public async Task Replay_at_max_speed_into_a_fresh_viewer_gives_the_counts_the_recording_opens_with()
    {
        var path = Path.Combine(_dir, "run.arrow");
        var (recorded, _) = await OpenRecordingTests.RecordPlotAsync(path);
        using var opened = await CommandLineViewer.StartAsync(path);
        await opened.WaitForStateAsync("finished");
        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");

        var (code, output, errors) = await PlotPipeAsync(new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = fresh.Token },
            "replay", path, "--speed", "max", "--to", $"127.0.0.1:{fresh.ProducerPort}");
        Assert.True(code == 0, errors);
        Assert.Contains("Replayed 220003 points", output);
        await fresh.WaitForStateAsync("finished");
        Assert.Equal("temperature=150000;loss=70001;final=2", Counts(recorded));
        var openedCounts = Counts(await opened.GetAsync("api/series"));
        Assert.True(Counts(recorded) == openedCounts, $"opened {openedCounts}: {(await opened.GetAsync("api/status")).GetRawText()} {opened.Errors}");
        Assert.Equal(Counts(recorded), Counts(await fresh.GetAsync("api/series")));
        // The same plot: title, panels with their labels and scales, each series in its panel and timed as recorded.
        var (openedPlot, freshPlot) = (await opened.GetAsync("api/plot"), await fresh.GetAsync("api/plot"));
        Assert.Equal("a run", freshPlot.GetProperty("title").GetString());
        Assert.Equal(openedPlot.GetProperty("panels").GetRawText(), freshPlot.GetProperty("panels").GetRawText());
        Assert.Equal("temperature@0+time;loss@1;final@1", PanelsAndTimes(await opened.GetAsync("api/series")));
        Assert.Equal(PanelsAndTimes(await opened.GetAsync("api/series")), PanelsAndTimes(await fresh.GetAsync("api/series")));
    }

    [Fact]
    public async Task Csv_export_keeps_two_runs_of_one_series_name_apart_as_the_recording_names_them()
    {
        // Two runs of one script, each with its "loss", as a viewer taking both over TCP records them.
        var path = Path.Combine(_dir, "two-runs.arrow");
        using (var store = new PlotStore())
        {
            await using var recorder = Recorder.Start(path, store, _ => { });
            IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
            foreach (var (run, y) in new[] { ("train.py", 1.0), ("train.py (2)", 2.0) })
            {
                var loss = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "b-", 0, SeriesFlags.None), store.AddProducer(run, "127.0.0.1:1"));
                sink.Append(loss, [0.0, 1.0], [y, y]);
            }
        }
        var csv = Path.Combine(_dir, "two-runs.csv");

        var (code, _, errors) = await PlotPipeAsync(null, "export", path, "--csv", csv);

        Assert.True(code == 0, errors);
        Assert.Equal("series,x,y\nloss,0,1\nloss,1,1\nloss [train.py (2)],0,2\nloss [train.py (2)],1,2\n", await File.ReadAllTextAsync(csv));
    }

    [Fact]
    public async Task Replay_at_full_speed_into_a_viewer_that_refuses_its_token_says_so_in_one_line_with_exit_code_1()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");

        var (code, output, errors) = await PlotPipeAsync(new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = "not-this-viewers-token" },
            "replay", path, "--speed", "max", "--to", $"127.0.0.1:{fresh.ProducerPort}");

        Assert.True(code == 1, $"exit code {code}: {output} {errors}");
        Assert.DoesNotContain("Replayed", output);
        Assert.Equal($"plotpipe: the viewer at 127.0.0.1:{fresh.ProducerPort} refused the replay of {path}: wrong token; give it the viewer's token (--token, or PLOTPIPE_TOKEN)", errors.Trim());
        Assert.Equal(0, (await fresh.GetAsync("api/status")).GetProperty("points").GetInt64());
    }

    [Fact]
    public async Task Replay_waiting_for_a_page_at_an_address_with_a_wrong_token_says_so_in_one_line_naming_the_option()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await TimedRecording.WriteAsync(path, batches: 2);
        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        string page = $"{fresh.Url.GetLeftPart(UriPartial.Path)}?token=not-this-viewers-token";

        var (code, _, errors) = await PlotPipeAsync(new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = fresh.Token },
            "replay", path, "--to", $"127.0.0.1:{fresh.ProducerPort}", "--wait-for-page", page);

        Assert.True(code == 1, $"exit code {code}: {errors}");
        Assert.Equal($"plotpipe: --wait-for-page {page}: the viewer there refused the token in that address; give the address it printed, token included", errors.Trim());
    }

    // The CSV rows of the recorded plot's temperature and loss (OpenRecordingTests.RecordPlotAsync) with x in [from, to].
    private static List<string> RecordedCsvRows(double from, double to)
    {
        var rows = new List<string>();
        foreach (var s in new[] { new SentSeries("temperature", 0, 150_000), new SentSeries("loss", 1, 70_001) })
        {
            for (int i = 0; i < s.Count; i++)
            {
                if (s.X(i) >= from && s.X(i) <= to) rows.Add($"{s.Name},{s.X(i).ToString("R", CultureInfo.InvariantCulture)},{s.Y(i).ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
        return rows;
    }

    private static string PanelsAndTimes(JsonElement series) => string.Join(";", series.EnumerateArray().Select(s =>
        $"{s.GetProperty("name").GetString()}@{s.GetProperty("panel").GetInt32()}{(s.GetProperty("xIsTime").GetBoolean() ? "+time" : "")}"));

    [Fact]
    public async Task Replay_into_a_viewer_that_refuses_its_token_says_so_and_exits_1()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { PlotPipeCli.CliDll, "replay", path, "--speed", "max", "--start-paused", "--to", $"127.0.0.1:{viewer.ProducerPort}", "--token", "not-this-viewers-token" })
            info.ArgumentList.Add(a);
        info.Environment.Remove("PLOTPIPE_TOKEN");
        using var replay = Process.Start(info)!;
        var output = replay.StandardOutput.ReadToEndAsync();
        var errors = replay.StandardError.ReadToEndAsync();
        // Paused at its start, the replay has said hello and been refused before it sends a point.
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64() == 1, "the viewer to refuse the replay");
        await replay.StandardInput.WriteLineAsync();
        replay.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await replay.WaitForExitAsync(deadline.Token);

        Assert.Equal(1, replay.ExitCode);
        Assert.DoesNotContain("Replayed", await output);
        Assert.Equal($"plotpipe: the viewer at 127.0.0.1:{viewer.ProducerPort} refused the replay of {path}: wrong token; give it the viewer's token (--token, or PLOTPIPE_TOKEN)",
            (await errors).Trim());
        Assert.Equal("", Counts(await viewer.GetAsync("api/series")));
    }

    [Fact]
    public async Task Replay_keeps_the_recorded_pacing_sped_up()
    {
        var path = Path.Combine(_dir, "paced.arrow");
        using (var viewer = await ViewerProcess.StartAsync("--record", path))
        {
            SentSeries[] sent = [new("a", 0, 4)];
            await RecordingTests.DefineAsync(viewer, sent);
            // Two bursts 1.2 s apart, each its own batch.
            await RecordingTests.SendAsync(viewer, sent, 2, 0, 2);
            await Lifecycle.Http.WaitForAsync(async () => (await RecordingTests.RecordingAsync(viewer)).GetProperty("points").GetInt64() == 2, "the first burst recorded");
            await Task.Delay(1200);
            await RecordingTests.SendAsync(viewer, sent, 2, 2, 4);
            await Lifecycle.Http.WaitForAsync(async () => (await RecordingTests.RecordingAsync(viewer)).GetProperty("points").GetInt64() == 4, "the second burst recorded");
        }
        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var clock = Stopwatch.StartNew();
        var (code, _, errors) = await PlotPipeAsync(new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = fresh.Token },
            "replay", path, "--speed", "4", "--to", $"127.0.0.1:{fresh.ProducerPort}");
        Assert.True(code == 0, errors);
        // 1.2 s recorded at 4x: at least 0.3 s; far less than the recorded 1.2 s.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 60);
        await fresh.WaitForStateAsync("finished");
        Assert.Equal("a=4", Counts(await fresh.GetAsync("api/series")));
    }

    [Fact]
    public async Task Export_command_writes_the_csv_of_an_x_range_and_a_picture()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        var csv = Path.Combine(_dir, "range.csv");
        var png = Path.Combine(_dir, "range.png");
        var (code, _, errors) = await PlotPipeAsync(null, "export", path, "--csv", csv, "--png", png, "--from", "100", "--to", "200.5");
        Assert.True(code == 0, errors);

        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("series,x,y", lines[0]);
        var expected = RecordedCsvRows(100, 200.5);
        // "final" (x 7 and 8) lies outside the range.
        Assert.Equal(expected, lines.Skip(1));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await File.ReadAllBytesAsync(png))[..4]);
    }

    [Fact]
    public async Task Export_of_a_recording_cut_inside_its_first_batch_says_it_holds_no_point_and_exits_1()
    {
        // A viewer killed while its first batch was being written: a picture of nothing would pass for an export.
        var path = Path.Combine(_dir, "cut.arrow");
        await TimedRecording.WriteAsync(path, batches: 1);
        var whole = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, whole[..^64]);
        var png = Path.Combine(_dir, "cut.png");
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", path, "--png", png]);
        Assert.True(code == 1, $"exit code {code}: {errors}");
        Assert.Equal($"plotpipe: cannot export {path}: it ends before its first whole batch, so it holds no point to export", errors.Trim());
        Assert.False(File.Exists(png));

        // Cut after its first batch, it exports what that batch holds.
        await TimedRecording.WriteAsync(path, batches: 2);
        whole = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, whole[..^64]);
        (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", path, "--png", png]);
        Assert.True(code == 0, $"exit code {code}: {errors}");
        Assert.Contains("(the file ends mid-batch: up to its last whole batch)", errors);
        Assert.True(File.Exists(png));
    }

    [Fact]
    public async Task Export_csv_to_a_dash_writes_the_points_to_standard_output_and_no_file_named_dash()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        var (code, output, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", path, "--csv", "-", "--from", "7", "--to", "8"], workingDirectory: _dir);
        Assert.True(code == 0, errors);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("series,x,y", lines[0]);
        var expected = RecordedCsvRows(7, 8);
        expected.AddRange(["final,7,9", "final,8,10"]);
        Assert.Equal(expected, lines.Skip(1));
        // What it read goes to standard error, so the output is the CSV alone.
        Assert.StartsWith("plotpipe: read ", errors);
        Assert.False(File.Exists(Path.Combine(_dir, "-")));
    }

    [Fact]
    public async Task Export_command_draws_the_picture_in_the_theme_asked_for_and_refuses_an_unknown_one()
    {
        var path = Path.Combine(_dir, "run.arrow");
        await OpenRecordingTests.RecordPlotAsync(path);
        var light = Path.Combine(_dir, "light.png");
        var dark = Path.Combine(_dir, "dark.png");
        var (code, _, errors) = await PlotPipeAsync(null, "export", path, "--png", light);
        Assert.True(code == 0, errors);
        (code, _, errors) = await PlotPipeAsync(null, "export", path, "--png", dark, "--theme", "dark");
        Assert.True(code == 0, errors);
        using (var l = SkiaSharp.SKBitmap.Decode(light)) Assert.Equal(new SkiaSharp.SKColor(0xff, 0xff, 0xff), l.GetPixel(2, 2));
        using (var d = SkiaSharp.SKBitmap.Decode(dark)) Assert.Equal(new SkiaSharp.SKColor(0x0d, 0x11, 0x17), d.GetPixel(2, 2));

        (code, _, errors) = await PlotPipeAsync(null, "export", path, "--png", dark, "--theme", "sepia");
        Assert.Equal(2, code);
        Assert.Contains("sepia", errors);
    }
}
