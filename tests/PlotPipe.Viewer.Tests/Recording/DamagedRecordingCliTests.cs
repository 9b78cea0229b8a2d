using PlotPipe.Viewer.Tests.Recording.Fuzz;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// Ten damaged recordings, one of each kind, through the real processes as a user runs them: <c>plotpipe export</c>
/// and <c>plotpipe replay</c> answer in one <c>plotpipe</c> line with exit code 1; <c>plotpipe view</c> stays up with
/// the reason in <c>/api/status</c>, disconnected, no producer left streaming. No stack trace anywhere.
/// </summary>
public sealed class DamagedRecordingCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-damaged-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<IReadOnlyList<(string Path, string Says)>> WriteAsync()
    {
        var files = new List<(string, string)>();
        foreach (var (name, bytes, says) in await DamagedFiles.AllAsync())
        {
            var path = Path.Combine(_dir, name + ".arrow");
            await File.WriteAllBytesAsync(path, bytes);
            files.Add((path, says));
        }
        return files;
    }

    private static void OneLine(string errors, string prefix, string says, string file)
    {
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"{file}: {lines.Length} lines on standard error: {errors}");
        Assert.StartsWith(prefix, lines[0]);
        Assert.Contains(says, lines[0]);
        Assert.DoesNotContain("   at ", errors);
        Assert.DoesNotContain("Exception", errors);
    }

    [Fact]
    public async Task Export_of_a_damaged_recording_answers_in_one_line_with_exit_code_1()
    {
        foreach (var (path, says) in await WriteAsync())
        {
            var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "export", path, "--csv", Path.Combine(_dir, "out.csv"), "--png", Path.Combine(_dir, "out.png")]);
            Assert.True(code == 1, $"{path}: exit code {code}: {errors}");
            OneLine(errors, $"plotpipe: cannot open {path} as a recording: ", says, path);
        }
    }

    [Fact]
    public async Task View_of_a_damaged_recording_stays_up_disconnected_with_the_reason_and_no_producer_streaming()
    {
        foreach (var (path, says) in await WriteAsync())
        {
            using var viewer = await CommandLineViewer.StartAsync(path);
            var status = await viewer.WaitForStateAsync("disconnected");
            var error = status.GetProperty("error").GetString()!;
            Assert.StartsWith($"cannot open {path} as a recording: ", error);
            Assert.Contains(says, error);
            foreach (var producer in (await viewer.GetAsync("api/producers")).EnumerateArray())
                Assert.True(producer.GetProperty("state").GetString() != "streaming", $"{path}: {producer.GetRawText()}");
            await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains("plotpipe: cannot open", StringComparison.Ordinal)), "the refusal on standard error");
            OneLine(viewer.Errors, $"plotpipe: cannot open {path} as a recording: ", says, path);
        }
    }

    [Fact]
    public async Task Replay_in_its_own_viewer_of_a_damaged_recording_answers_in_one_line_with_exit_code_1_before_serving()
    {
        foreach (var (path, says) in await WriteAsync())
        {
            // A replay waits for a page before it plays: one that took the file would still be running when this gives up.
            var (code, output, errors) = await PlotPipeCli.RunAsync(PlotPipeCli.CliDll, ["replay", path, "--no-browser"], seconds: 30);
            Assert.True(code == 1, $"{path}: exit code {code}: {output} {errors}");
            Assert.DoesNotContain("PlotPipe viewer:", output);
            OneLine(errors, $"plotpipe: cannot open {path} as a recording: ", says, path);
        }
    }

    [Fact]
    public async Task Replay_of_a_damaged_recording_answers_in_one_line_with_exit_code_1()
    {
        using var target = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var environment = new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = target.Token };
        foreach (var (path, says) in await WriteAsync())
        {
            var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "replay", path, "--speed", "max", "--to", $"127.0.0.1:{target.ProducerPort}"], environment: environment);
            Assert.True(code == 1, $"{path}: exit code {code}: {errors}");
            OneLine(errors, $"plotpipe: cannot open {path} as a recording: ", says, path);
        }
    }
}
