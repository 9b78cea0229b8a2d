using System.CommandLine;
using System.Globalization;
using System.IO.Pipelines;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Hosting;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Cli;

/// <summary><c>plotpipe export run.arrow --png|--svg|--csv OUT [--from X --to X] [--title TEXT --width PX --height PX --theme light|dark]</c>: a recording, or an x range of it, as a picture or CSV.</summary>
internal static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recording = new Argument<string>("RECORDING") { Description = "A recording made with --record (an Arrow IPC stream)" };
        var png = new Option<string?>("--png") { HelpName = "FILE", Description = "Draw it as PNG into FILE", CustomParser = OptionValues.PictureFile(".png") };
        var svg = new Option<string?>("--svg") { HelpName = "FILE", Description = "Draw it as SVG into FILE", CustomParser = OptionValues.PictureFile(".svg") };
        var csv = new Option<string?>("--csv") { HelpName = "FILE", Description = "Write its exact points as CSV (series,x,y) into FILE (-: standard output)" };
        var from = new Option<double?>("--from") { HelpName = "X", Description = "Only points with x at least X" };
        var to = new Option<double?>("--to") { HelpName = "X", Description = "Only points with x at most X" };
        var title = new Option<string?>("--title") { HelpName = "TEXT", Description = "The picture's title instead of the recording's (\"\" for none)" };
        var width = new Option<int?>("--width")
        {
            HelpName = "PX",
            Description = $"The picture's width in pixels [default: {Figure.DefaultWidthPx}]",
            CustomParser = r => OptionValues.SmallCount(Figure.MinWidthPx, Figure.MaxWidthPx)(r),
        };
        var height = new Option<int?>("--height")
        {
            HelpName = "PX",
            Description = "The picture's height in pixels [default: 600, and 270 more for each panel after the first]",
            CustomParser = r => OptionValues.SmallCount(Figure.MinHeightPx, Figure.MaxHeightPx)(r),
        };
        var theme = new Option<string?>("--theme") { HelpName = "THEME", Description = "The page's theme to draw the picture in: light or dark [default: light]", CustomParser = OptionValues.Theme };
        var command = new Command("export", "Export a recording, or an x range of it, as PNG, SVG or CSV") { recording, png, svg, csv, from, to, title, width, height, theme };
        // Options not given read as null here (a command's checks run before defaults are filled in).
        command.Validators.Add(r =>
        {
            if (r.GetValue(png) is null && r.GetValue(svg) is null && r.GetValue(csv) is null)
                r.AddError("export needs something to write: --png FILE, --svg FILE or --csv FILE");
            else if (r.GetValue(from) is { } lo && r.GetValue(to) is { } hi && lo > hi)
                r.AddError($"--from {lo.ToString(CultureInfo.InvariantCulture)} --to {hi.ToString(CultureInfo.InvariantCulture)} is not a range: --from must not be above --to");
            else if (r.GetValue(png) is null && r.GetValue(svg) is null && PictureOption(r, title, width, height, theme) is { } shaping)
                r.AddError($"{shaping} shapes a picture, and a CSV has none: add --png FILE or --svg FILE");
        });
        Usage.WithExamples(command,
            ("plotpipe export run.arrow --png run.png", "the whole recording as a picture"),
            ("plotpipe export run.arrow --csv minute.csv --from 0 --to 60", "the exact points with x from 0 to 60"),
            ("plotpipe export run.arrow --png run.png --title \"Run 7\" --width 1200 --height 900 --theme dark", "a larger picture in the dark theme under a title of your own"));
        command.SetAction(async (result, cancel) =>
        {
            var errors = result.InvocationConfiguration.Error;
            string input = result.GetValue(recording)!;
            string? pngPath = result.GetValue(png), svgPath = result.GetValue(svg), csvPath = result.GetValue(csv);
            double lo = result.GetValue(from) ?? double.NegativeInfinity, hi = result.GetValue(to) ?? double.PositiveInfinity;
            string? pictureTitle = result.GetValue(title);
            int widthPx = result.GetValue(width) ?? Figure.DefaultWidthPx, heightPx = result.GetValue(height) ?? 0;
            var palette = PicturePalette.Named(result.GetValue(theme) ?? "light");
            var problem = UserFiles.NotARecording(input);
            foreach (var (name, path) in new[] { ("--png", pngPath), ("--svg", svgPath), ("--csv", csvPath) })
            {
                if (problem is null && path is not null && !(name == "--csv" && path == StandardOutput)) problem = UserFiles.CannotWrite(name, path);
            }
            if (problem is not null)
            {
                await errors.WriteLineAsync($"{Usage.ToolName}: {problem}");
                return Usage.RuntimeExitCode;
            }
            // An export serves no page and leaves no garbage of evicted chunks: its points may take half the memory
            // the runtime may use (a viewer's points take a quarter of its budget, PlotStore.PointsShareOf).
            using var store = new PlotStore(0, 4 * PlotStore.DefaultMaxMemoryBytes());
            try
            {
                await using var file = File.OpenRead(input);
                var (points, elapsed, truncated) = RecordingLoader.Load(file, store, lo, hi);
                if (truncated && points == 0 && double.IsNegativeInfinity(lo) && double.IsPositiveInfinity(hi))
                {
                    // A viewer stopped before its first batch was written whole: a picture of nothing would look like an export.
                    await errors.WriteLineAsync($"{Usage.ToolName}: cannot export {input}: it ends before its first whole batch, so it holds no point to export");
                    return Usage.RuntimeExitCode;
                }
                await errors.WriteLineAsync($"{Usage.ToolName}: read {points} points of {input} in {elapsed.TotalSeconds:0.000} s{(truncated ? " (the file ends mid-batch: up to its last whole batch)" : "")}");
                if (pngPath is not null) PictureExporter.Save(store, pngPath, widthPx, heightPx, pictureTitle, palette);
                if (svgPath is not null) PictureExporter.Save(store, svgPath, widthPx, heightPx, pictureTitle, palette);
                if (csvPath is not null)
                {
                    // "--csv -" pipes the points on ("| head", "| duckdb"), as FILE - reads standard input in view.
                    await using var output = csvPath == StandardOutput ? Console.OpenStandardOutput() : File.Create(csvPath);
                    var writer = PipeWriter.Create(output);
                    await PointExport.WriteCsvAsync(new PointExport.Request(store.Series, lo, hi), writer, cancel);
                    await writer.CompleteAsync();
                }
                return 0;
            }
            catch (InvalidDataException e)
            {
                // The reader's message says what is wrong and where (byte, batch) in plain words.
                await errors.WriteLineAsync($"{Usage.ToolName}: {RecordingLoader.CannotOpen(input, e)}");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"{Usage.ToolName}: {e.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never a stack trace: one line, and a way to get the bug fixed.
                await errors.WriteLineAsync($"{Usage.ToolName}: cannot export {input}: it failed unexpectedly ({e.GetType().Name}); please report this with the file");
                return 1;
            }
        });
        return command;
    }

    private const string StandardOutput = "-";

    // The first picture option given, by name, or null.
    private static string? PictureOption(System.CommandLine.Parsing.CommandResult r, params Option[] options)
    {
        foreach (var option in options)
        {
            if (r.GetResult(option) is { Implicit: false }) return option.Name;
        }
        return null;
    }
}
