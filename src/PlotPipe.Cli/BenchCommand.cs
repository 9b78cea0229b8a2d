using System.CommandLine;
using System.Globalization;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Cli.Bench;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe bench</c>: the end-to-end benchmark against the real viewer: throughput, the raw pipe, latency, drops, a stopped viewer.</summary>
internal static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { HelpName = "SECONDS", Description = "Seconds each throughput run adds points", DefaultValueFactory = _ => 3, CustomParser = OptionValues.Seconds(0, 600, aboveMin: true) };
        var points = new Option<long>("--points") { HelpName = "N", Description = "Stop each throughput run after this many points (0: by time only)", DefaultValueFactory = _ => 0, CustomParser = OptionValues.Count(0) };
        var series = new Option<string>("--series")
        {
            HelpName = "COUNTS",
            Description = "Comma-separated series counts for the throughput runs",
            DefaultValueFactory = _ => "1,16",
            CustomParser = OptionValues.Checked(text => ParseSeries(text) is null ? $"--series {text} is not a list of series counts: give counts from 1 to 1024, comma-separated (1,16)" : null),
        };
        var json = new Option<string?>("--json") { HelpName = "FILE", Description = "Also write the figures to this JSON file" };
        var only = new Option<string?>("--only")
        {
            HelpName = "GROUPS",
            Description = $"Run only these scenario groups, comma-separated: {string.Join(", ", BenchSettings.Groups)}",
            CustomParser = OptionValues.Checked(GroupsProblem),
        };
        var record = new Option<bool>("--record") { Description = "Also compare throughput with and without the viewer's --record (into a temporary folder), in turns within this run" };
        var recordFolder = new Option<string?>("--record-folder")
        {
            HelpName = "FOLDER",
            Description = "Where the record comparison writes its recordings (default: the temporary folder); each is deleted after its run",
            CustomParser = OptionValues.Checked(text => Directory.Exists(text) ? null : $"--record-folder {text}: no such folder"),
        };
        // The child side of the raw-pipe measurement: read standard input as the viewer does and discard it.
        var discard = new Option<bool>("--discard-stdin") { Hidden = true };
        var command = new Command("bench", "Measure delivery into a spawned viewer: points/s against the raw pipe, latency, drops, a stopped viewer")
        {
            seconds, points, series, json, only, discard, record, recordFolder,
        };
        Usage.WithExamples(command,
            ("plotpipe bench", "every scenario, 3 seconds a throughput run"),
            ("plotpipe bench --only throughput,latency --seconds 1", "two groups, shorter runs"),
            ("plotpipe bench --json bench.json", "also keep the figures as JSON"));
        command.SetAction(async (result, cancel) =>
        {
            if (result.GetValue(discard)) return await RawPipe.DiscardAsync().ConfigureAwait(false);
            if (result.GetValue(json) is { } path && UserFiles.CannotWrite("--json", path) is { } problem)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{Usage.ToolName}: {problem}").ConfigureAwait(false);
                return Usage.RuntimeExitCode;
            }
            var groups = (result.GetValue(only) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            var settings = new BenchSettings(result.GetValue(seconds), result.GetValue(points), ParseSeries(result.GetValue(series))!, result.GetValue(json), groups)
            {
                Record = result.GetValue(record),
                RecordFolder = result.GetValue(recordFolder),
            };
            return BenchRunner.Run(settings);
        });
        return command;
    }

    private static string? GroupsProblem(string text)
    {
        foreach (var g in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!BenchSettings.Groups.Contains(g)) return $"--only {g} is not a scenario group: give some of {string.Join(", ", BenchSettings.Groups)}";
        }
        return null;
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
