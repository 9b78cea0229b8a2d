using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Recording.Fuzz;

/// <summary>
/// One file put through what a user does with it, each step checked: opened as <c>plotpipe view FILE</c> opens it
/// (the loader into a store, then the status), exported as <c>plotpipe export</c> does (the loader with an x range,
/// then a PNG or SVG and the CSV) and as <c>/api/export</c> does (CSV and Arrow, the Arrow opened again), and, when
/// asked, served by a real Kestrel server to the requests the page makes. Every step must end in a loaded plot or one
/// plain line; any exception that escapes, raw runtime text, a 500 or a failed open that still says "streaming" fails
/// the case with a <see cref="FuzzFailure"/>.
/// </summary>
internal static partial class FuzzCase
{
    private const string Name = "case.arrow";
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    // Text the runtime writes and a person should never have to read.
    private static readonly string[] RuntimeText =
    [
        "Exception", "   at ", "Object reference", "(Parameter", "System.", "Index was outside", "Specified argument",
        "Arithmetic operation", "Value cannot be null", "unexpectedly", "LineNumber:", "BytePositionInLine", "could not be converted",
        "Unable to", "Nullable object", "Non-negative number", "must be",
    ];

    /// <summary>Runs the case; returns how it ended ("opened", or the refusal with its numbers and quotes taken out).</summary>
    public static async Task<string> RunAsync(byte[] bytes, Random rng, bool serve)
    {
        var store = new PlotStore(0, 256L << 20);
        var line = Step("open", () => RecordingLoader.Open(Name, new MemoryStream(bytes, writable: false), store));
        Plain("the open's line", line);
        bool opened = line.StartsWith($"opened {Name}: ", StringComparison.Ordinal);
        var status = Step("status", () => JsonSerializer.Serialize(new ViewerStatus(store).Report(), JsonContext.Default.StatusReport));
        var state = JsonDocument.Parse(status).RootElement;
        string? reason = null;
        if (opened)
        {
            Require(store.State == StreamState.Finished, $"opened, yet the state is {store.State}: {status}");
        }
        else
        {
            const string refused = $"cannot open {Name} as a recording: ";
            Require(line.StartsWith(refused, StringComparison.Ordinal), $"the open's line is neither opened nor refused: {line}");
            reason = line[refused.Length..];
            // Where: a byte of the file, or the file as a whole (empty, or not an Arrow stream from its first bytes on).
            Require(reason.Contains("byte", StringComparison.Ordinal) || reason.Contains("empty file", StringComparison.Ordinal) || reason.StartsWith("not an Arrow IPC stream", StringComparison.Ordinal),
                $"the refusal names no byte: {line}");
            Require(state.GetProperty("state").GetString() == "disconnected", $"a failed open's status is not disconnected: {status}");
            Require(state.GetProperty("error").GetString() == line, $"a failed open's status does not carry its line: {status}");
            foreach (var p in store.ProducerStates) Require(p.State != StreamState.Streaming, $"producer {p.Name} still streaming after a failed open");
        }

        // /api/export, as the endpoint serves it, of whatever the viewer holds now (a failed open keeps what it read).
        long csvRows = await ExportAsync(store, "format=csv", CsvRows);
        long arrowPoints = await ExportAsync(store, "format=arrow", body =>
        {
            var again = new PlotStore();
            try
            {
                return RecordingLoader.Load(new MemoryStream(body), again).Points;
            }
            catch (InvalidDataException e)
            {
                throw new FuzzFailure($"the Arrow export of what the viewer opened does not open again: {e.Message}");
            }
        });
        // A NaN x is in no range, so the store may hold more than either export; both exports hold the same.
        Require(csvRows == arrowPoints && csvRows <= store.TotalPoints, $"exports disagree: CSV {csvRows} rows, Arrow {arrowPoints} points, store {store.TotalPoints}");

        // plotpipe export FILE [--from X --to X] --png|--svg OUT --csv OUT.
        double from = double.NegativeInfinity, to = double.PositiveInfinity;
        if (rng.Next(2) == 0) (from, to) = (rng.Next(-10, 100), rng.Next(100, 1000));
        var cli = new PlotStore(0, 256L << 20);
        string? cliRefusal = null;
        try
        {
            RecordingLoader.Load(new MemoryStream(bytes, writable: false), cli, from, to);
        }
        catch (InvalidDataException e)
        {
            cliRefusal = e.Message;
            Plain("the export's refusal", cliRefusal);
        }
        catch (Exception e)
        {
            throw new FuzzFailure($"export: {e.GetType().Name} escaped the loader: {e.Message}");
        }
        Require(opened == cliRefusal is null, $"the viewer {(opened ? "opened" : "refused")} it, the export {(cliRefusal is null ? "read it" : "refused it: " + cliRefusal)}");
        if (cliRefusal is null)
        {
            bool png = rng.Next(2) == 0;
            var picture = Step("picture", () =>
            {
                var figure = PictureExporter.Render(cli, 320, 0);
                return png ? figure.PngBytes() : figure.SvgBytes();
            });
            Require(png ? picture.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) : Encoding.UTF8.GetString(picture).Contains("<svg", StringComparison.Ordinal), "the picture is not a PNG or SVG");
            await StepAsync("CSV", async () =>
            {
                var writer = System.IO.Pipelines.PipeWriter.Create(Stream.Null);
                await PointExport.WriteCsvAsync(new PointExport.Request(cli.Series, from, to), writer, CancellationToken.None);
                await writer.CompleteAsync();
                return 0;
            });
        }
        if (serve) await ServeAsync(store);
        return opened ? "opened" : Category(reason!);
    }

    // Rows after the header: line ends outside quoted fields (a name may hold a line break).
    private static long CsvRows(byte[] body)
    {
        long rows = -1;
        bool quoted = false;
        foreach (byte b in body)
        {
            if (b == '"') quoted = !quoted;
            else if (b == '\n' && !quoted) rows++;
        }
        return rows;
    }

    // The refusal as a kind of problem: where (the kind of message), then what, with numbers, quoted values and JSON
    // paths taken out.
    private static string Category(string reason)
    {
        string where = reason.StartsWith("batch ", StringComparison.Ordinal) ? "batch"
            : reason.StartsWith("the names batch", StringComparison.Ordinal) ? "names batch"
            : reason.StartsWith("its schema", StringComparison.Ordinal) ? "schema"
            : reason.StartsWith("message ", StringComparison.Ordinal) ? "message" : "file";
        int at = where == "file" ? -1 : reason.IndexOf(where == "message" ? ": " : "): ", StringComparison.Ordinal);
        var what = at < 0 ? reason : reason[(at + (where == "message" ? 2 : 3))..];
        what = Paths().Replace(Quoted().Replace(what, "\"…\""), "$…");
        return $"{where}: {Numbers().Replace(what, "N")}";
    }

    [GeneratedRegex("\\b[0-9A-F]{2,8}\\b|-?\\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex("\\$[^ ]*")]
    private static partial Regex Paths();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Quoted();

    private static async Task<long> ExportAsync(PlotStore store, string query, Func<byte[], long> count)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        using var body = new MemoryStream();
        context.Response.Body = body;
        await StepAsync("/api/export?" + query, async () =>
        {
            await PointExport.ServeAsync(context, store);
            await context.Response.BodyWriter.FlushAsync();
            return 0;
        });
        Require(context.Response.StatusCode == 200, $"/api/export?{query} answered {context.Response.StatusCode}: {Encoding.UTF8.GetString(body.ToArray())}");
        return count(body.ToArray());
    }

    // The page's requests to a real server over the store: every answer 200 (or a 400 naming a bad value), never a 500.
    private static async Task ServeAsync(PlotStore store)
    {
        await using var server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), store, new ViewerStatus(store), CancellationToken.None,
            context => PointExport.ServeAsync(context, store));
        string[] paths =
        [
            "api/status", "api/series", "api/producers", "api/plot", "api/nearest?x=0", "api/nearest?x=1e9&panel=1",
            "api/export?format=csv", "api/export?format=arrow", "api/export?format=csv&from=0&to=100&series=0",
        ];
        foreach (var path in paths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, path));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Token);
            using var response = await Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            bool badValue = response.StatusCode == HttpStatusCode.BadRequest && path.Contains("series=0", StringComparison.Ordinal) && store.Series.Count == 0;
            Require(response.StatusCode == HttpStatusCode.OK || badValue, $"GET /{path} answered {(int)response.StatusCode}: {text}");
            if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "application/json") JsonDocument.Parse(text).Dispose();
        }
        using var page = await PageSocket.ConnectAsync(server.Url, server.Token);
        var meta = await page.ReceiveMetaAsync();
        var panels = string.Join(",", meta.GetProperty("plot").GetProperty("panels").EnumerateArray().Select(p => $"{{\"id\":{p.GetProperty("id").GetInt32()},\"height\":200,\"y\":null,\"x\":null}}"));
        await page.SendAsync($"{{\"type\":\"view\",\"x\":null,\"follow\":null,\"width\":400,\"panels\":[{panels}]}}");
        while (true)
        {
            var (type, _) = await page.ReceiveAsync();
            Require(type != WebSocketMessageType.Close, "the page's socket was closed on a view request");
            if (type == WebSocketMessageType.Binary) break;
        }
    }

    private static T Step<T>(string step, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (FuzzFailure)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new FuzzFailure($"{step}: {e.GetType().Name} escaped: {e.Message}");
        }
    }

    private static async Task<T> StepAsync<T>(string step, Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (FuzzFailure)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new FuzzFailure($"{step}: {e.GetType().Name} escaped: {e.Message}");
        }
    }

    private static void Plain(string what, string text)
    {
        Require(!text.Contains('\n') && !text.Contains('\r'), $"{what} is more than one line: {text}");
        Require(!text.Any(char.IsControl), $"{what} holds a control character: {text}");
        foreach (var raw in RuntimeText) Require(!text.Contains(raw, StringComparison.Ordinal), $"{what} quotes the runtime (\"{raw}\"): {text}");
    }

    private static void Require(bool holds, string why)
    {
        if (!holds) throw new FuzzFailure(why);
    }
}

/// <summary>A fuzz case that broke a promise, with what it saw.</summary>
internal sealed class FuzzFailure(string message) : Exception(message);
