using System.CommandLine;
using System.Globalization;
using PlotPipe.Cli.Bench;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe bench</c>: the end-to-end benchmark against the real viewer: throughput, the raw pipe, latency, drops, a stopped viewer.</summary>
internal static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds each throughput run adds points", DefaultValueFactory = _ => 3 };
        var points = new Option<long>("--points") { Description = "Stop each throughput run after this many points (0: by time only)", DefaultValueFactory = _ => 0 };
        var series = new Option<string>("--series") { Description = "Comma-separated series counts for the throughput runs", DefaultValueFactory = _ => "1,16" };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file" };
        var only = new Option<string?>("--only") { Description = $"Run only these scenario groups, comma-separated: {string.Join(", ", BenchSettings.Groups)}" };
        only.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string?>();
            if (text is null) return;
            foreach (var g in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!BenchSettings.Groups.Contains(g)) r.AddError($"--only \"{g}\" is not a scenario group ({string.Join(", ", BenchSettings.Groups)})");
            }
        });
        var record = new Option<bool>("--record") { Description = "Also compare throughput with and without the viewer's --record (into a temporary folder), in turns within this run" };
        // The child side of the raw-pipe measurement: read standard input as the viewer does and discard it.
        var discard = new Option<bool>("--discard-stdin") { Hidden = true };
        seconds.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(v > 0 && v <= 600)) r.AddError($"--seconds {v} must be between 0 and 600");
        });
        points.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 0) r.AddError($"--points {r.GetValueOrDefault<long>()} must not be negative");
        });
        series.Validators.Add(r =>
        {
            if (ParseSeries(r.GetValueOrDefault<string>()) is null) r.AddError($"--series \"{r.GetValueOrDefault<string>()}\" must be comma-separated counts from 1 to 1024");
        });
        var command = new Command("bench", "Measure delivery into a spawned viewer: points/s against the raw pipe, latency, drops, a stopped viewer")
        {
            seconds, points, series, json, only, discard, record,
        };
        command.SetAction(async (result, cancel) =>
        {
            if (result.GetValue(discard)) return await RawPipe.DiscardAsync().ConfigureAwait(false);
            var groups = (result.GetValue(only) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            var settings = new BenchSettings(result.GetValue(seconds), result.GetValue(points), ParseSeries(result.GetValue(series))!, result.GetValue(json), groups)
            {
                Record = result.GetValue(record),
            };
            return BenchRunner.Run(settings);
        });
        return command;
    }

    private static int[]? ParseSeries(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] is < 1 or > 1024) return null;
        }
        return counts.Length == 0 ? null : counts;
    }
}
