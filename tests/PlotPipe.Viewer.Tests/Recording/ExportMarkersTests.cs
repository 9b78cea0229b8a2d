using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// The markers of a range in <c>GET /api/export</c> on the real viewer: a CSV of their own (<c>what=markers</c>), and
/// in an Arrow export's first batch, where the npm reader sees them and <c>plotpipe view</c> shows them again.
/// </summary>
public sealed class ExportMarkersTests : IDisposable
{
    private const double From = 300, To = 600;
    private const string Alert = "alert: v > 10 (v = 12 at x = 500)";
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-export-markers-").FullName;

    // Every marker sent, and whether it meets [From, To]: a mark on the range's start, spans across either edge.
    private static readonly (EventKind Kind, double X, double X2, string Text, bool Meets)[] Sent =
    [
        (EventKind.Mark, 100, 0, "early", false),
        (EventKind.Span, 50, 90, "before, a span", false),
        (EventKind.Mark, From, 0, "on the start", true),
        (EventKind.Span, 250, 320, "warm-up, across the start", true),
        (EventKind.Span, 550, 2000, "cool-down, across the end", true),
        (EventKind.Mark, 900, 0, "late, \"quoted\", with a comma", false),
        (EventKind.Span, 601, 700, "just after", false),
    ];

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A line v over x = 0..999, all 0 but 12 at x = 500, where the viewer's rule "v > 10" fires an alert; then the markers.
    private static async Task<CommandLineViewer> ViewerWithMarkersAsync()
    {
        var viewer = await CommandLineViewer.StartAsync("--stdin", "--alert", "v > 10");
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "v", "b-", 0, SeriesFlags.None);
        var xs = new double[1000];
        var ys = new double[1000];
        for (int i = 0; i < xs.Length; i++) xs[i] = i;
        ys[500] = 12;
        FrameWriter.WritePoints(w, 0, xs, ys);
        foreach (var m in Sent) FrameWriter.WriteEvent(w, m.Kind, m.X, m.X2, false, m.Text);
        FrameWriter.WriteFinish(w);
        await viewer.Input.WriteAsync(w.WrittenMemory);
        await viewer.Input.FlushAsync();
        await viewer.WaitForStateAsync("finished");
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/events")).GetArrayLength() == Sent.Length + 1, "every marker and the alert held");
        return viewer;
    }

    private static async Task<HttpResponseMessage> ExportAsync(CommandLineViewer viewer, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viewer.Url, "api/export?" + query));
        if (viewer.Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Token);
        return await Client.SendAsync(request);
    }

    // The kinds and texts expected from the range, in order of arrival: the alert came with the points, before the markers.
    private static (string Kind, string Text)[] Expected() =>
        [("alert", Alert), .. Sent.Where(m => m.Meets).Select(m => (m.Kind == EventKind.Span ? "span" : "mark", m.Text))];

    private static (string Kind, string Text)[] KindsAndTexts(IEnumerable<JsonElement> rows) =>
        [.. rows.Select(r => (r.GetProperty("kind").GetString()!, r.GetProperty("text").GetString()!))];

    // One CSV line's fields, quotes undone.
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') field.Append(line[++i]);
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    [Fact]
    public async Task Markers_csv_of_a_range_holds_the_marks_spans_across_its_edges_and_alerts_with_their_kinds_and_nothing_outside()
    {
        using var viewer = await ViewerWithMarkersAsync();
        using var response = await ExportAsync(viewer, $"format=csv&what=markers&from={From}&to={To}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("-markers.csv", response.Content.Headers.ContentDisposition!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("kind,x,x2,xKind,text,producer,time", lines[0]);
        var rows = lines.Skip(1).Select(Fields).ToList();
        Assert.All(rows, r => Assert.Equal(7, r.Count));
        Assert.Equal(Expected(), rows.Select(r => (r[0], r[4])).ToArray());
        var alert = rows[0];
        Assert.Equal(("500", "", "plain", "trainer"), (alert[1], alert[2], alert[3], alert[5]));
        var across = rows.Single(r => r[4] == "warm-up, across the start");
        Assert.Equal(("250", "320"), (across[1], across[2]));
        // The receive time is /api/events' own, in seconds since 1970.
        var events = (await viewer.GetAsync("api/events")).EnumerateArray().ToList();
        Assert.Equal(events[0].GetProperty("time").GetDouble(), double.Parse(alert[6], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Points_csv_keeps_its_shape_when_the_range_has_markers()
    {
        using var viewer = await ViewerWithMarkersAsync();
        using var response = await ExportAsync(viewer, $"format=csv&from={From}&to={To}");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("series,x,y", lines[0]);
        Assert.Equal((int)(To - From) + 1, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("v,", l));
    }

    [Fact]
    public async Task Arrow_export_of_a_range_carries_its_markers_which_the_npm_reader_sees_in_the_batch_metadata()
    {
        using var viewer = await ViewerWithMarkersAsync();
        using var response = await ExportAsync(viewer, $"format=arrow&from={From}&to={To}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = Path.Combine(_dir, "range.arrow");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal((long)(To - From) + 1, read.Series("v").Count);
        Assert.Equal(Expected(), KindsAndTexts(read.Markers));
        var cooling = read.Markers.Single(m => m.GetProperty("text").GetString() == "cool-down, across the end");
        Assert.Equal((550.0, 2000.0), (cooling.GetProperty("x").GetDouble(), cooling.GetProperty("x2").GetDouble()));
        Assert.Equal("trainer", cooling.GetProperty("producer").GetString());
    }

    [Fact]
    public async Task Arrow_export_opened_with_plotpipe_view_lists_its_markers_again_with_the_alert_as_an_alert()
    {
        string path = Path.Combine(_dir, "range.arrow");
        using (var viewer = await ViewerWithMarkersAsync())
        {
            using var response = await ExportAsync(viewer, $"format=arrow&from={From}&to={To}");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        }

        using var opened = await CommandLineViewer.StartAsync(path);
        await opened.WaitForStateAsync("finished");
        var events = (await opened.GetAsync("api/events")).EnumerateArray().ToList();
        Assert.Equal(Expected(), KindsAndTexts(events));
        Assert.Equal(500, events[0].GetProperty("x").GetDouble());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("x2").ValueKind);
        Assert.Equal((long)(To - From) + 1, await opened.CountAsync("v"));
    }

    [Fact]
    public async Task Arrow_export_of_a_range_with_markers_but_no_points_still_carries_them()
    {
        string path = Path.Combine(_dir, "empty.arrow");
        using (var viewer = await ViewerWithMarkersAsync())
        {
            using var response = await ExportAsync(viewer, "format=arrow&from=1500&to=1800");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        }

        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(0, read.Rows);
        Assert.Equal([("span", "cool-down, across the end")], KindsAndTexts(read.Markers));
        using var opened = await CommandLineViewer.StartAsync(path);
        await opened.WaitForStateAsync("finished");
        Assert.Equal([("span", "cool-down, across the end")], KindsAndTexts((await opened.GetAsync("api/events")).EnumerateArray()));
    }

    [Theory]
    [InlineData("format=csv&what=notes", "what=notes")]
    [InlineData("format=arrow&what=markers", "what=markers with format=arrow")]
    public async Task Export_with_a_bad_what_is_refused_naming_it(string query, string named)
    {
        using var viewer = await ViewerWithMarkersAsync();
        using var response = await ExportAsync(viewer, query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync());
    }
}
