using System.CommandLine;
using System.Globalization;
using System.IO.Pipelines;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe export run.arrow --png|--svg|--csv OUT [--from X --to X]</c>: a recording, or an x range of it, as a picture or CSV.</summary>
internal static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recording = new Argument<string>("RECORDING") { Description = "A recording made with --record (an Arrow IPC stream)" };
        var png = new Option<string?>("--png") { HelpName = "FILE", Description = "Draw it as PNG into FILE", CustomParser = OptionValues.PictureFile(".png") };
        var svg = new Option<string?>("--svg") { HelpName = "FILE", Description = "Draw it as SVG into FILE", CustomParser = OptionValues.PictureFile(".svg") };
        var csv = new Option<string?>("--csv") { HelpName = "FILE", Description = "Write its exact points as CSV (series,x,y) into FILE" };
        var from = new Option<double?>("--from") { HelpName = "X", Description = "Only points with x at least X" };
        var to = new Option<double?>("--to") { HelpName = "X", Description = "Only points with x at most X" };
        var command = new Command("export", "Export a recording, or an x range of it, as PNG, SVG or CSV") { recording, png, svg, csv, from, to };
        // Options not given read as null here (a command's checks run before defaults are filled in).
        command.Validators.Add(r =>
        {
            if (r.GetValue(png) is null && r.GetValue(svg) is null && r.GetValue(csv) is null)
                r.AddError("export needs something to write: --png FILE, --svg FILE or --csv FILE");
            else if (r.GetValue(from) is { } lo && r.GetValue(to) is { } hi && lo > hi)
                r.AddError($"--from {lo.ToString(CultureInfo.InvariantCulture)} --to {hi.ToString(CultureInfo.InvariantCulture)} is not a range: --from must not be above --to");
        });
        Usage.WithExamples(command,
            ("plotpipe export run.arrow --png run.png", "the whole recording as a picture"),
            ("plotpipe export run.arrow --csv minute.csv --from 0 --to 60", "the exact points with x from 0 to 60"),
            ("plotpipe export run.arrow --svg run.svg --from 100", "from x = 100 on, as SVG"));
        command.SetAction(async (result, cancel) =>
        {
            var errors = result.InvocationConfiguration.Error;
            string input = result.GetValue(recording)!;
            string? pngPath = result.GetValue(png), svgPath = result.GetValue(svg), csvPath = result.GetValue(csv);
            double lo = result.GetValue(from) ?? double.NegativeInfinity, hi = result.GetValue(to) ?? double.PositiveInfinity;
            var problem = UserFiles.NotARecording(input);
            foreach (var (name, path) in new[] { ("--png", pngPath), ("--svg", svgPath), ("--csv", csvPath) })
            {
                if (problem is null && path is not null) problem = UserFiles.CannotWrite(name, path);
            }
            if (problem is not null)
            {
                await errors.WriteLineAsync($"{Usage.ToolName}: {problem}");
                return Usage.RuntimeExitCode;
            }
            var store = new PlotStore(0, PlotStore.DefaultMaxMemoryBytes());
            try
            {
                await using var file = File.OpenRead(input);
                var (points, elapsed, truncated) = RecordingLoader.Load(file, store, lo, hi);
                await Console.Error.WriteLineAsync($"plotpipe export: read {points} points of {input} in {elapsed.TotalSeconds:0.000} s{(truncated ? " (the file ends mid-batch: up to its last whole batch)" : "")}");
                if (pngPath is not null) PictureExporter.Save(store, pngPath);
                if (svgPath is not null) PictureExporter.Save(store, svgPath);
                if (csvPath is not null)
                {
                    await using var output = File.Create(csvPath);
                    var writer = PipeWriter.Create(output);
                    await PointExport.WriteCsvAsync(new PointExport.Request(store.Series, lo, hi), writer, cancel);
                    await writer.CompleteAsync();
                }
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"plotpipe export: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
