using System.CommandLine;
using PlotPipe.Viewer.Hosting;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe demo</c>: the matplotlib multiprocess example: random points from this process, plotted by a spawned viewer.</summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var points = new Option<int>("--points") { HelpName = "N", Description = "How many random points to send", DefaultValueFactory = _ => 10, CustomParser = OptionValues.SmallCount(0) };
        var interval = new Option<double>("--interval") { HelpName = "SECONDS", Description = "Seconds between points", DefaultValueFactory = _ => 0.5, CustomParser = OptionValues.Seconds(0, 3600) };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser at the page" };
        var png = new Option<string?>("--png") { HelpName = "FILE", Description = "Have the viewer save the final picture as PNG", CustomParser = OptionValues.PictureFile(".png") };
        var exitOnFinish = new Option<bool>("--exit-on-finish") { Description = "Have the viewer exit once the points are in (and wait for it)" };
        var command = new Command("demo", "Send random points to a spawned viewer, like matplotlib's multiprocess example")
        {
            points, interval, noBrowser, png, exitOnFinish,
        };
        Usage.WithExamples(command,
            ("plotpipe demo", "ten points, one every half second"),
            ("plotpipe demo --points 200 --interval 0.05", "a faster, longer run"),
            ("plotpipe demo --interval 0 --no-browser --png demo.png --exit-on-finish", "save the picture and exit"));
        command.SetAction(async (result, cancel) =>
        {
            if (result.GetValue(png) is { } path && UserFiles.CannotWrite("--png", path) is { } problem)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {problem}");
                return Usage.RuntimeExitCode;
            }
            return await RunAsync(result.GetValue(points), result.GetValue(interval), !result.GetValue(noBrowser),
                result.GetValue(png), result.GetValue(exitOnFinish), cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(int count, double intervalSeconds, bool openBrowser, string? png, bool exitOnFinish, CancellationToken cancel)
    {
        var random = new Random(19680801);
        var plot = LivePlot.Spawn(new LivePlotOptions
        {
            OpenBrowser = openBrowser,
            SavePngPath = png,
            ExitOnFinish = exitOnFinish,
        });
        await using (plot.ConfigureAwait(false))
        {
            var dots = plot.Scatter("samples", "ro");
            Console.WriteLine($"PlotPipe viewer: {plot.Url}");
            var pause = TimeSpan.FromSeconds(intervalSeconds);
            for (int i = 0; i < count; i++)
            {
                dots.Add(random.NextDouble(), random.NextDouble());
                if (i + 1 < count) await Task.Delay(pause, cancel).ConfigureAwait(false);
            }
            plot.Finish();
            await plot.Completion.ConfigureAwait(false);
            if (exitOnFinish) return await plot.WaitForViewerExitAsync(cancel).ConfigureAwait(false);
        }
        Console.WriteLine("Done; the viewer stays up while its page is open.");
        return 0;
    }
}
