using System.Text.Json;
using PlotPipe.PageBench;

// Measures the live page in headless Chromium (Debian's): redraw times while 10^6 points/s stream into
// 10 line series of 10^6 points, zoom and pan latency, a naive all-points draw in the same page, and a
// scatter of 10^7 points on the density-image path. See docs/performance.md for figures.
PageBenchSettings settings;
try
{
    settings = PageBenchSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var result = await PageBenchRun.RunAsync(settings, Console.Out);
Report.Print(result, Console.Out);
if (settings.Json is not null)
{
    await File.WriteAllTextAsync(settings.Json, JsonSerializer.Serialize(result, new JsonSerializerOptions
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    }));
    Console.WriteLine($"wrote {settings.Json}");
}
return 0;
