using System.Text.Json;
using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>
/// docs/protocol.md describes what the viewer serves: every field of <c>/api/status</c> and <c>/api/producers</c> has a
/// row in its tables and its examples carry exactly the viewer's fields, and the colour letters and the dark cycle
/// are the ones drawn.
/// </summary>
public sealed partial class ApiDocumentTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "docs", "protocol.md"));

    // The text from the heading of one endpoint to the next endpoint's.
    private static string Section(string from, string to)
    {
        int a = Doc.IndexOf(from, StringComparison.Ordinal);
        int b = Doc.IndexOf(to, a + 1, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, $"protocol.md has \"{from}\" before \"{to}\"");
        return Doc[a..b];
    }

    private static List<string> Fields(JsonElement row) => [.. row.EnumerateObject().Select(p => p.Name)];

    // The indented JSON example of a section, its lines joined.
    private static JsonElement Example(string section) =>
        JsonDocument.Parse(string.Concat(IndentedLine().Matches(section).Select(m => m.Groups[1].Value))).RootElement;

    [GeneratedRegex(@"^ {4,}([\[{].*|\s*[""{].*)$", RegexOptions.Multiline)]
    private static partial Regex IndentedLine();

    [Fact]
    public void Every_field_of_the_status_has_a_row_and_the_example_carries_them_all()
    {
        var report = new StatusReport("streaming", 1, 0, 0, 0, 0, null, Recording: new RecordingReport("run.arrow", 1, 64, 0, true));
        var served = JsonSerializer.SerializeToElement(report, JsonContext.Default.StatusReport);
        var section = Section("`GET /api/status`", "`GET /api/producers`");
        foreach (var field in Fields(served))
            Assert.Contains($"| `{field}` |", section);
        Assert.Equal(Fields(served), Fields(Example(section)));
        // The recording's own fields, as its row lists them.
        foreach (var field in Fields(served.GetProperty("recording")))
            Assert.Contains($"\"{field}\"", section);
    }

    [Fact]
    public void Every_field_of_a_producer_row_has_a_row_and_the_example_carries_them_all()
    {
        var served = JsonSerializer.SerializeToElement(new List<ProducerReport> { new("train.py", "finished", 3, 0, 0, "stdin") }, JsonContext.Default.ListProducerReport);
        var section = Section("`GET /api/producers`", "`GET /api/events");
        foreach (var field in Fields(served[0]))
            Assert.Contains($"| `{field}` |", section);
        foreach (var row in Example(section).EnumerateArray())
            Assert.Equal(Fields(served[0]), Fields(row));
    }

    [Fact]
    public void The_colour_letters_table_is_what_the_viewer_draws()
    {
        var matches = ColourRow().Matches(Doc);
        Assert.Equal(PlotFormat.Colors.Keys.Order(), matches.Select(m => m.Groups[1].Value[0]).Order());
        Assert.Equal(SeriesPalette.LightLetters.OrderBy(c => c.Key), matches.ToDictionary(m => m.Groups[1].Value[0], m => m.Groups[2].Value).OrderBy(r => r.Key));
        Assert.Equal(SeriesPalette.DarkLetters.OrderBy(c => c.Key), matches.ToDictionary(m => m.Groups[1].Value[0], m => m.Groups[3].Value).OrderBy(r => r.Key));
    }

    [Fact]
    public void The_dark_cycle_the_format_strings_list_is_what_the_viewer_draws()
    {
        // "`#1f77b4` → `#2489cf`": each cycle colour the dark theme lightens, and only those.
        var lightened = DarkCycleRow().Matches(Doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var changed = SeriesPalette.Cycle.Zip(SeriesPalette.DarkCycle).Where(p => p.First != p.Second).ToDictionary(p => p.First, p => p.Second);
        Assert.NotEmpty(changed);
        Assert.Equal(changed.OrderBy(p => p.Key), lightened.OrderBy(p => p.Key));
    }

    [Fact]
    public void The_series_example_carries_every_field_a_series_row_has()
    {
        var served = JsonSerializer.SerializeToElement(new List<SeriesReport> { new("loss", "b-", 3, "line", "#0000ff", "trainer", 1, false, "trainer", "#6680ff", "solid", null) }, JsonContext.Default.ListSeriesReport);
        var section = Section("`GET /api/series`", "`GET /api/status`");
        foreach (var row in Example(section).EnumerateArray())
            Assert.Equal(Fields(served[0]), Fields(row));
    }

    [GeneratedRegex(@"`(#[0-9a-f]{6})`\s+→\s+`(#[0-9a-f]{6})`")]
    private static partial Regex DarkCycleRow();

    [GeneratedRegex(@"^\| `([a-z])` \| [a-z]+ \| `(#[0-9a-f]{6})` \| `(#[0-9a-f]{6})` \|$", RegexOptions.Multiline)]
    private static partial Regex ColourRow();
}
