using System.Text;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Listen;
using PlotPipe.Viewer.Tests.Recording;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>The real viewer process fed text that once ended it, text as programs print it, and timed text end to end.</summary>
public sealed class TextRobustnessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-text-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The three lines that ended the viewer, each between two good lines: 4 good, 3 bad, in 7 lines.
    private static readonly byte[] GoodAndUnreadable = Encoding.Latin1.GetBytes(
        "{\"a\": 1}\n{\"a\xff\": 2}\n{\"a\": 2}\n{\"\\ud800\": 1}\n{\"a\": 3}\n{\"series\": \"\\udc00\", \"y\": 1}\n{\"a\": 4}\n");

    [Fact]
    public async Task Unreadable_json_lines_on_stdin_are_counted_and_the_viewer_stays_up_with_the_good_lines()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.Input.WriteAsync(GoodAndUnreadable);
        viewer.CloseInput();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(4, await viewer.CountAsync("a"));
        Assert.Equal(3, status.GetProperty("badLines").GetInt64());
        Assert.Equal("line 2: not UTF-8 text (byte 4 of the line)", status.GetProperty("badLine").GetString());
        Assert.DoesNotContain("Unhandled", viewer.Errors);
        Assert.Contains("plotpipe: line 4: the name \"\\ud800\" escapes half a surrogate pair", viewer.Errors);
        Assert.Contains("plotpipe: line 6: the value of \"series\" escapes half a surrogate pair", viewer.Errors);
    }

    [Fact]
    public async Task Unreadable_json_lines_on_stdin_beside_a_tcp_producer_leave_its_count_exact()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--listen", "127.0.0.1:0");
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "steady", viewer.Token);
        await producer.SendAsync(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "steady", "-"));
        const int frames = 70, perFrame = 1000;
        var lines = Encoding.Latin1.GetString(GoodAndUnreadable).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var xs = new double[perFrame];
        var ys = new double[perFrame];
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < perFrame; i++) (xs[i], ys[i]) = ((double)f * perFrame + i, i);
            await producer.SendAsync(w => FrameWriter.WritePoints(w, 0, xs, ys));
            // The text lines go in between the frames, one every tenth frame.
            if (f % 10 == 0 && f / 10 < lines.Length)
            {
                await viewer.Input.WriteAsync(Encoding.Latin1.GetBytes(lines[f / 10] + "\n"));
                await viewer.Input.FlushAsync();
            }
        }
        await producer.SendAsync(FrameWriter.WriteFinish);
        Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
        viewer.CloseInput();

        await viewer.WaitForAsync(async () =>
        {
            foreach (var row in (await viewer.GetAsync("api/producers")).EnumerateArray())
                if (row.GetProperty("state").GetString() != "finished") return false;
            return true;
        }, "both producers to finish");
        var producers = (await viewer.GetAsync("api/producers")).EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(frames * perFrame, producers["steady"].GetProperty("points").GetInt64());
        Assert.Equal(0, producers["steady"].GetProperty("badLines").GetInt64());
        Assert.Equal(4, producers["stdin"].GetProperty("points").GetInt64());
        Assert.Equal(3, producers["stdin"].GetProperty("badLines").GetInt64());
        Assert.Equal(frames * perFrame, await viewer.CountAsync("steady"));
        Assert.Equal(4, await viewer.CountAsync("a"));
        var status = await viewer.GetAsync("api/status");
        Assert.Equal(3, status.GetProperty("badLines").GetInt64());
        Assert.Equal(frames * perFrame + 4, status.GetProperty("points").GetInt64());
    }

    // vmstat 1 as it prints into a pipe: every 21 rows the banner and the header again.
    private static string Vmstat(int rows)
    {
        const string banner = "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n";
        const string header = " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n";
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            if (i % 21 == 0) text.Append(banner).Append(header);
            text.Append($"{i % 30,2}  0      0 {20774620 - i,8}  11856 2728648    0    0   {i,3}  3667  439 {2973 + i,4} 43  8 49  0  0\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task Vmstat_piped_in_gives_every_column_as_a_series_no_bad_lines_and_a_picture()
    {
        var png = Path.Combine(_dir, "vmstat.png");
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--png", png);
        await viewer.WriteAsync(Vmstat(50));
        viewer.CloseInput();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(0, status.GetProperty("badLines").GetInt64());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("badLine").ValueKind);
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
        Assert.Equal(["r", "b", "swpd", "free", "buff", "cache", "si", "so", "bi", "bo", "in", "cs", "us", "sy", "id", "wa", "st"],
            series.Select(s => s.GetProperty("name").GetString()));
        Assert.All(series, s => Assert.Equal(50, s.GetProperty("count").GetInt64()));
        await viewer.WaitForAsync(() => Task.FromResult(File.Exists(png) && new FileInfo(png).Length > 0), "the PNG");
        Assert.Equal("line", (await viewer.GetAsync("api/plot")).GetProperty("panels")[0].GetProperty("xlabel").GetString());
    }

    [Fact]
    public async Task X_time_text_is_timed_in_the_api_in_a_recording_and_in_its_replay()
    {
        var path = Path.Combine(_dir, "timed.arrow");
        using (var recording = await CommandLineViewer.StartAsync("--stdin", "--x-time", "--record", path, "--exit-on-finish"))
        {
            await recording.WriteAsync("time,load\n2026-12-05T10:00:00Z,1.5\n2026-12-05T10:00:10Z,1.7\n");
            await recording.WaitForAsync(async () => await recording.CountAsync("load") == 2, "two points");
            Assert.True(Assert.Single((await recording.GetAsync("api/series")).EnumerateArray()).GetProperty("xIsTime").GetBoolean());
            recording.CloseInput();
            Assert.Equal(0, await recording.WaitForExitAsync());
        }

        using var opened = await CommandLineViewer.StartAsync(path);
        await opened.WaitForStateAsync("finished");
        var load = Assert.Single((await opened.GetAsync("api/series")).EnumerateArray());
        Assert.Equal(("load", 2, true), (load.GetProperty("name").GetString(), load.GetProperty("count").GetInt64(), load.GetProperty("xIsTime").GetBoolean()));

        using var fresh = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [CliDll, "replay", path, "--speed", "max", "--to", $"127.0.0.1:{fresh.ProducerPort}"],
            environment: new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = fresh.Token });
        Assert.True(code == 0, errors);
        await fresh.WaitForStateAsync("finished");
        var replayed = Assert.Single((await fresh.GetAsync("api/series")).EnumerateArray());
        Assert.Equal(("load", 2, true), (replayed.GetProperty("name").GetString(), replayed.GetProperty("count").GetInt64(), replayed.GetProperty("xIsTime").GetBoolean()));
    }

    private static string CliDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(Path.GetDirectoryName(ArrowJs.Folder)!, "..", "src", "PlotPipe.Cli", "bin", configuration, "net10.0", "PlotPipe.Cli.dll");
        }
    }

    [Theory]
    [InlineData("@line", "line", false)]
    [InlineData("@time", "time", true)]
    public async Task X_at_line_and_at_time_are_values_on_the_command_line_not_response_files(string x, string label, bool timed)
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--x", x);
        await viewer.WriteAsync("step,loss\n10,0.5\n20,0.4\n");
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
        Assert.Equal(["step", "loss"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.All(series, s => Assert.Equal(timed, s.GetProperty("xIsTime").GetBoolean()));
        Assert.Equal(label, (await viewer.GetAsync("api/plot")).GetProperty("panels")[0].GetProperty("xlabel").GetString());
    }

    [Fact]
    public async Task A_bad_panel_spec_is_refused_with_one_line_and_exit_code_2()
    {
        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--panel", "Loss:lg=train");
        Assert.Equal(2, code);
        Assert.Equal("plotpipe: --panel \"Loss:lg=train\": the scale after ':' must be log or linear, not \"lg\"", errors.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Panels_title_and_labels_from_the_command_line_shape_the_plot()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--title", "Bench", "--ylabel", "counts", "--panel", "Current=current", "--panel", "Volts:log=voltage");
        await viewer.WriteAsync("{\"t\": 0.001, \"adc\": 2048, \"current\": 0.5, \"voltage\": 3.3}\n{\"t\": 0.002, \"adc\": 2050, \"current\": 0.51, \"voltage\": 3.2}\n");
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        var plot = await viewer.GetAsync("api/plot");
        Assert.Equal("Bench", plot.GetProperty("title").GetString());
        var panels = plot.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal([(0, null, "t", "counts", "linear"), (1, "Current", "t", null, "linear"), (2, "Volts", "t", null, "log")],
            panels.Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("title").GetString(), p.GetProperty("xlabel").GetString(),
                p.GetProperty("ylabel").GetString(), p.GetProperty("yscale").GetString())));
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("panel").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["adc"] = 0, ["current"] = 1, ["voltage"] = 2 }, series);
    }
}
