// matplotlib's multiprocess example in C#: this process makes random points, a spawned viewer process plots them.
using PlotPipe;

var random = new Random(19680801);
await using var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = !args.Contains("--no-browser") });
var dots = plot.Scatter("samples", "ro");
Console.WriteLine($"PlotPipe viewer: {plot.Url}");

for (int i = 0; i < 10; i++)
{
    dots.Add(random.NextDouble(), random.NextDouble());
    await Task.Delay(TimeSpan.FromSeconds(0.5));
}
plot.Finish(); // the example's None: the viewer marks the stream finished and keeps the picture up
