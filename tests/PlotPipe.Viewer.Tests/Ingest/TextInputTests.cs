using System.Buffers;
using System.Diagnostics;
using PlotPipe.Protocol;

using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>The real viewer process reading text from standard input and from files.</summary>
public class TextInputTests
{
    [Fact]
    public async Task Csv_on_stdin_keeps_good_lines_and_counts_and_reports_the_bad_one_by_number()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("step,loss\n1,0.5\n2,0.25\nbad\n3,0.125\n");
        viewer.CloseInput();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(3, await viewer.CountAsync("loss"));
        Assert.Equal(1, status.GetProperty("badLines").GetInt64());
        Assert.Equal(3, status.GetProperty("points").GetInt64());
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains("line 4:")), "the bad line reported");
        Assert.Contains("plotpipe: line 4: field 1 is not a number: \"bad\"; skipped", viewer.Errors);
    }

    [Fact]
    public async Task A_line_written_to_stdin_is_in_the_store_before_the_next_is_written()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("step,loss\n");
        var latencies = new List<double>();
        for (int i = 1; i <= 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await viewer.WriteAsync($"{i},{1.0 / i}\n");
            await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == i, $"point {i} of loss");
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        Assert.Equal("streaming", (await viewer.GetAsync("api/status")).GetProperty("state").GetString());
        // Polling over HTTP adds its own time; the median still shows the line did not wait for a buffer to fill.
        latencies.Sort();
        Assert.True(latencies[2] < 500, $"median {latencies[2]:F0} ms from write to store");
    }

    [Fact]
    public async Task Json_lines_from_a_file_argument_use_the_x_field()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-text-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, "{\"step\": 1, \"loss\": 0.5, \"acc\": 0.8}\n{\"step\": 2, \"loss\": 0.4, \"acc\": 0.9}\n{\"series\": \"val\", \"x\": 2, \"y\": 0.45}\n");
        try
        {
            using var viewer = await CommandLineViewer.StartAsync(path, "--x", "step");
            var status = await viewer.WaitForStateAsync("finished");
            Assert.Equal(5, status.GetProperty("points").GetInt64());
            Assert.Equal(0, status.GetProperty("badLines").GetInt64());
            Assert.Equal(2, await viewer.CountAsync("loss"));
            Assert.Equal(2, await viewer.CountAsync("acc"));
            Assert.Equal(1, await viewer.CountAsync("val"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task X_time_reads_iso_times_from_stdin_given_as_dash()
    {
        using var viewer = await CommandLineViewer.StartAsync("-", "--x-time");
        await viewer.WriteAsync("time\ttemp\n2024-01-02T03:04:05Z\t20\n1704164646\t21\n");
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        var view = await viewer.GetAsync("api/series");
        Assert.Equal(2, await viewer.CountAsync("temp"));
        Assert.Equal("temp", Assert.Single(view.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_file_that_is_a_binary_stream_is_read_as_frames() => await WithFramesFileAsync(async path =>
    {
        using var viewer = await CommandLineViewer.StartAsync(path);
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(3, await viewer.CountAsync("dots"));
        Assert.Equal(0, status.GetProperty("badLines").GetInt64());
    });

    [Fact]
    public async Task Text_options_given_with_a_stream_of_frames_are_said_to_be_passed_over_and_the_frames_are_read() => await WithFramesFileAsync(async path =>
    {
        using var viewer = await CommandLineViewer.StartAsync(path, "--title", "Run 7", "--x-time");
        await viewer.WaitForStateAsync("finished");
        Assert.Equal(3, await viewer.CountAsync("dots"));
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains(
            $"plotpipe: --x-time and --title are for text input and passed over: {path} is a producer's PlotPipe frames, and the producer defines its plot")), "the line on the text options");
    });

    // A file of a producer's frames (a scatter "dots" of three points, finished), removed after use.
    private static async Task WithFramesFileAsync(Func<string, Task> use)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "file", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "dots", "ro");
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [4, 5, 6]);
        FrameWriter.WriteFinish(w);
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-frames-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, w.WrittenSpan.ToArray());
        try
        {
            await use(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Frames_on_stdin_are_still_told_from_text_by_their_magic()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "pipe", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "wave", "b-");
        FrameWriter.WritePoints(w, 0, [1, 2], [3, 4]);
        FrameWriter.WriteFinish(w);
        // The magic arrives a byte at a time: the viewer must wait for it, not take "P" for text.
        foreach (var b in w.WrittenSpan[..4].ToArray())
        {
            await viewer.Input.WriteAsync(new[] { b });
            await viewer.Input.FlushAsync();
        }
        await viewer.Input.WriteAsync(w.WrittenMemory[4..]);
        await viewer.Input.FlushAsync();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(2, await viewer.CountAsync("wave"));
        Assert.Equal(0, status.GetProperty("badLines").GetInt64());
    }

    [Fact]
    public async Task A_line_over_the_limit_on_stdin_is_skipped_and_the_stream_goes_on()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("1\n" + new string('1', 200_000) + "\n2\n");
        viewer.CloseInput();
        var status = await viewer.WaitForStateAsync("finished");
        Assert.Equal(2, await viewer.CountAsync("y"));
        Assert.Equal(1, status.GetProperty("badLines").GetInt64());
        Assert.Contains("line 2: longer than the limit of 65536 bytes", viewer.Errors);
    }

    [Fact]
    public async Task The_end_of_text_input_finishes_the_stream_and_exit_on_finish_exits_cleanly()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--exit-on-finish");
        await viewer.WriteAsync("0 0\n1 1\n2 4");
        viewer.CloseInput();
        Assert.Equal(0, await viewer.WaitForExitAsync());
        Assert.Equal("", viewer.Errors);
    }

    [Fact]
    public async Task A_missing_file_is_refused_with_its_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-missing-{Guid.NewGuid():N}.csv");
        var (exitCode, errors) = await RunToExitAsync(path);
        Assert.Equal(1, exitCode);
        Assert.Contains($"cannot read {path}", errors);
    }

    [Fact]
    public async Task Stdin_and_a_file_together_are_refused()
    {
        var (exitCode, errors) = await RunToExitAsync("--stdin", "data.csv");
        Assert.Equal(2, exitCode);
        Assert.Contains("--stdin and FILE data.csv contradict each other", errors);
    }

    private static async Task<(int ExitCode, string Errors)> RunToExitAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"));
        foreach (var a in args.Append("--no-browser")) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, errors);
    }
}
