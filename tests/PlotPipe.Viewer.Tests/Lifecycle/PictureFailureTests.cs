using PlotPipe.TestSupport;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using SkiaSharp;

namespace PlotPipe.Viewer.Tests.Lifecycle;

/// <summary>Whatever goes wrong with a picture, the real viewer reports it and stays up with its data.</summary>
public sealed class PictureFailureTests
{
    [Theory]
    [InlineData(".png")]
    [InlineData(".svg")]
    public async Task The_line_from_plus_to_minus_1_7e308_is_saved_and_the_viewer_stays_up(string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-{Guid.NewGuid():N}{extension}");
        using var viewer = await ViewerProcess.StartAsync(extension == ".png" ? "--png" : "--svg", path);
        try
        {
            await viewer.HandshakeAsync();
            await viewer.DefineAsync(0, SeriesKind.Line, "wild", "r-");
            await viewer.PointsAsync(0, new double[] { 0, 1 }, new double[] { 1.7e308, -1.7e308 });
            await viewer.FinishAsync();
            // Pictures are saved once the producer closes the stream, as a finished producer does.
            viewer.CloseInput();
            await Http.WaitForAsync(() => File.Exists(path) && new FileInfo(path).Length > 0, $"the {extension} picture");

            var status = await Http.GetJsonAsync(viewer, "api/status");
            Assert.Equal("finished", status.GetProperty("state").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, status.GetProperty("exportError").ValueKind);
            var series = await Http.GetJsonAsync(viewer, "api/series");
            Assert.Equal(2, series[0].GetProperty("count").GetInt64());
            Assert.False(viewer.HasExited, viewer.Errors);
            if (extension == ".png")
            {
                using var bitmap = SKBitmap.Decode(path);
                Assert.True(RedDots.Pixels(bitmap) > 100, "the red line is not in the picture");
            }
            else
            {
                Assert.Contains("</svg>", await File.ReadAllTextAsync(path));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_unwritable_picture_path_is_reported_and_the_viewer_stays_up_with_its_data()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-missing-{Guid.NewGuid():N}", "plot.png");
        using var viewer = await ViewerProcess.StartAsync("--png", path);
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Scatter, "dots", "ro");
        await viewer.PointsAsync(0, new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 });
        await viewer.FinishAsync();
        // Pictures are saved once the producer closes the stream, as a finished producer does.
        viewer.CloseInput();

        await Http.WaitForAsync(async () => (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("exportError").ValueKind != System.Text.Json.JsonValueKind.Null,
            "the status to report the failed picture");
        var why = (await Http.GetJsonAsync(viewer, "api/status")).GetProperty("exportError").GetString();
        // In plain words, not the runtime's "Could not find a part of the path".
        Assert.Equal($"could not save {path}: its folder does not exist", why);
        await Http.WaitForAsync(() => viewer.Errors.Contains($"plotpipe: could not save {path}: its folder does not exist"), "the line on standard error");
        var series = await Http.GetJsonAsync(viewer, "api/series");
        Assert.Equal(3, series[0].GetProperty("count").GetInt64());
        Assert.False(viewer.HasExited, viewer.Errors);
    }

    [Fact]
    public async Task Exiting_with_the_stream_without_the_picture_asked_for_exits_1_and_with_it_0()
    {
        // A script's "plotpipe view run.csv --png out/plot.png --exit-on-finish" learns from the code whether the picture exists.
        var dir = Directory.CreateTempSubdirectory("plotpipe-exit-");
        try
        {
            var csv = Path.Combine(dir.FullName, "run.csv");
            await File.WriteAllTextAsync(csv, "step,loss\n1,0.5\n2,0.25\n");
            var missing = Path.Combine(dir.FullName, "no-such-folder", "plot.png");
            var (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "view", csv, "--no-browser", "--png", missing, "--exit-on-finish"]);
            Assert.True(code == 1, $"exit code {code}: {errors}");
            Assert.Contains($"plotpipe: could not save {missing}: its folder does not exist", errors);

            var saved = Path.Combine(dir.FullName, "plot.png");
            (code, _, errors) = await ChildProcess.RunAsync("dotnet", [PlotPipeCli.CliDll, "view", csv, "--no-browser", "--png", saved, "--exit-on-finish"]);
            Assert.True(code == 0, $"exit code {code}: {errors}");
            Assert.Contains($"plotpipe: saved {saved}", errors);
            Assert.True(new FileInfo(saved).Length > 0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
