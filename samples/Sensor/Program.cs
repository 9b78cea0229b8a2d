// A time-stamped sensor: a day of temperature and humidity readings, ten a second, with time on x. The day is
// replayed in about four seconds, so the page shows its axes go from seconds to hours as it fills.
//
//   dotnet run --project samples/Sensor [--no-browser] [--png PATH]
using PlotPipe;

bool openBrowser = true;
string? png = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--no-browser":
            openBrowser = false;
            break;
        case "--png" when i + 1 < args.Length:
            png = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: Sensor [--no-browser] [--png PATH]");
            return 2;
    }
}

await using var plot = LivePlot.Spawn(new LivePlotOptions
{
    Title = "Greenhouse sensor",
    OpenBrowser = openBrowser,
    SavePngPath = png,
    ExitOnFinish = png is not null && !openBrowser,
});
Console.WriteLine($"PlotPipe viewer: {plot.Url}");

var temperature = plot.Panel("Temperature", new PanelOptions { YLabel = "°C" }).Line("air", "r-");
var humidity = plot.Panel("Humidity", new PanelOptions { YLabel = "%", XLabel = "time (UTC)" }).Line("relative", "b-");

var random = new Random(7);
var interval = TimeSpan.FromMilliseconds(100);
var end = DateTime.UtcNow;
var start = end - TimeSpan.FromDays(1);
const int Bursts = 80;
long readings = TimeSpan.FromDays(1).Ticks / interval.Ticks;
long sent = 0;
for (int burst = 1; burst <= Bursts; burst++)
{
    // Each burst sends the next stretch of the day, as a logger catching up would.
    for (long upTo = readings * burst / Bursts; sent < upTo; sent++)
    {
        DateTime time = start + sent * interval;
        double hours = (time - time.Date).TotalHours;
        double daylight = Math.Sin(2 * Math.PI * (hours - 9) / 24);
        temperature.Add(time, 18 + 6 * daylight + 0.1 * Noise(random));
        humidity.Add(time, Math.Clamp(60 - 15 * daylight + 0.3 * Noise(random), 0, 100));
    }
    await Task.Delay(TimeSpan.FromSeconds(4.0 / Bursts));
}
plot.Finish();
await plot.Completion;
if (png is not null && !openBrowser)
{
    await plot.WaitForViewerExitAsync();
    Console.WriteLine($"saved {Path.GetFullPath(png)}");
}
return 0;

static double Noise(Random random) => 2 * random.NextDouble() - 1;
