using System.CommandLine;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe demo</c>: the matplotlib multiprocess example: random points from this process, plotted by a spawned viewer.</summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var points = new Option<int>("--points") { Description = "How many random points to send", DefaultValueFactory = _ => 10 };
        var interval = new Option<double>("--interval") { Description = "Seconds between points", DefaultValueFactory = _ => 0.5 };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser at the page" };
        var png = new Option<string?>("--png") { Description = "Have the viewer save the final picture as PNG" };
        var exitOnFinish = new Option<bool>("--exit-on-finish") { Description = "Have the viewer exit once the points are in (and wait for it)" };
        points.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError($"--points {r.GetValueOrDefault<int>()} must not be negative");
        });
        interval.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(v >= 0 && v <= 3600)) r.AddError($"--interval {v} must be between 0 and 3600 seconds");
        });
        var command = new Command("demo", "Send random points to a spawned viewer, like matplotlib's multiprocess example")
        {
            points, interval, noBrowser, png, exitOnFinish,
        };
        command.SetAction((result, cancel) => RunAsync(
            result.GetValue(points), result.GetValue(interval), !result.GetValue(noBrowser),
            result.GetValue(png), result.GetValue(exitOnFinish), cancel));
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
