using System.CommandLine;
using System.Globalization;
using System.IO.Pipelines;
using PlotPipe.Viewer.Export;
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
        var png = new Option<string?>("--png") { HelpName = "FILE", Description = "Draw it as PNG into FILE" };
        var svg = new Option<string?>("--svg") { HelpName = "FILE", Description = "Draw it as SVG into FILE" };
        var csv = new Option<string?>("--csv") { HelpName = "FILE", Description = "Write its exact points as CSV (series,x,y) into FILE" };
        var from = new Option<double?>("--from") { HelpName = "X", Description = "Only points with x at least X" };
        var to = new Option<double?>("--to") { HelpName = "X", Description = "Only points with x at most X" };
        var command = new Command("export", "Export a recording, or an x range of it, as PNG, SVG or CSV") { recording, png, svg, csv, from, to };
        command.SetAction(async (result, cancel) =>
        {
            string input = result.GetValue(recording)!;
            string? pngPath = result.GetValue(png), svgPath = result.GetValue(svg), csvPath = result.GetValue(csv);
            double lo = result.GetValue(from) ?? double.NegativeInfinity, hi = result.GetValue(to) ?? double.PositiveInfinity;
            if (pngPath is null && svgPath is null && csvPath is null)
            {
                await Console.Error.WriteLineAsync("plotpipe export: say what to write: --png FILE, --svg FILE or --csv FILE");
                return 2;
            }
            if (double.IsNaN(lo) || double.IsNaN(hi) || lo > hi)
            {
                await Console.Error.WriteLineAsync($"plotpipe export: --from {lo.ToString(CultureInfo.InvariantCulture)} --to {hi.ToString(CultureInfo.InvariantCulture)} is not a range");
                return 2;
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
            catch (InvalidDataException e)
            {
                // The reader's message says what is wrong and where (byte, batch) in plain words.
                await Console.Error.WriteLineAsync($"plotpipe export: cannot open {input} as a recording: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"plotpipe export: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
            catch (ArgumentException e)
            {
                // A picture path the exporter cannot write (its extension), said without the runtime's parameter suffix.
                var message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
                await Console.Error.WriteLineAsync($"plotpipe export: {message.ReplaceLineEndings(" ")}");
                return 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never a stack trace: one line, and a way to get the bug fixed.
                await Console.Error.WriteLineAsync($"plotpipe export: cannot export {input}: it failed unexpectedly ({e.GetType().Name}); please report this with the file");
                return 1;
            }
        });
        return command;
    }
}
