using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>The meta message on its own: the layout it carries, and the example docs/page-protocol.md gives of it.</summary>
public sealed class MetaMessageTests
{
    private static JsonElement Meta(PlotStore store)
    {
        var layout = new PlotLayout();
        layout.Resolve(store);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) MetaMessage.Write(json, store.Plot, layout, store.Series, new ViewerStatus(store).Report());
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void Meta_lists_the_layout_s_panels_with_their_axis_kinds_and_x_groups()
    {
        var meta = Meta(PlotPipe.Viewer.Tests.Query.PlotLayoutTests.MixedExample(100, 10));
        var panels = meta.GetProperty("plot").GetProperty("panels").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2], panels.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal(["time", "linear", "linear"], panels.Select(p => p.GetProperty("xkind").GetString()));
        Assert.Equal(["linear", "log", "linear"], panels.Select(p => p.GetProperty("ykind").GetString()));
        Assert.Equal([0, 1, 1], panels.Select(p => p.GetProperty("xgroup").GetInt32()));
        Assert.Equal("log", panels[1].GetProperty("yscale").GetString());
    }

    [Fact]
    public void The_meta_example_in_page_protocol_md_is_what_meta_carries_for_its_plot()
    {
        var doc = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "docs", "page-protocol.md"));
        var block = Regex.Match(doc, "### `meta`: text JSON\\s+```json\\n(?<json>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "no meta example in docs/page-protocol.md");
        var example = JsonDocument.Parse(block.Groups["json"].Value).RootElement;

        // The example's plot: a timed temperature in the default panel, a loss on a log y axis in panel 1.
        var store = new PlotStore();
        store.Plot.DefinePlot([new(PlotProperties.Title, "Training")]);
        store.Plot.DefinePanel(1, [new(PlotProperties.Title, "Loss"), new(PlotProperties.YLabel, "cross-entropy"), new(PlotProperties.YScale, "log")]);
        var temperature = store.Define(new SeriesDefinition(0, SeriesKind.Line, "temperature", "r-", Flags: SeriesFlags.TimeX));
        var train = store.Define(new SeriesDefinition(1, SeriesKind.Line, "train", "b-", Panel: 1));
        temperature.Append(Enumerable.Range(0, 600).Select(i => 1.8e9 + i).ToArray(), new double[600]);
        train.Append(Enumerable.Range(0, 1000).Select(i => (double)i).ToArray(), Enumerable.Repeat(1.0, 1000).ToArray());
        var meta = Meta(store);

        Assert.Equal(Compact(example.GetProperty("plot")), Compact(meta.GetProperty("plot")));
        var keys = (JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(keys(example), keys(meta));
        var exampleSeries = example.GetProperty("series").EnumerateArray().ToArray();
        var series = meta.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(exampleSeries.Length, series.Length);
        for (int i = 0; i < series.Length; i++)
        {
            Assert.Equal(keys(exampleSeries[i]), keys(series[i]));
            foreach (var name in new[] { "index", "name", "kind", "format", "color", "darkColor", "marker", "line", "count", "panel", "time" })
                Assert.Equal(Compact(exampleSeries[i].GetProperty(name)), Compact(series[i].GetProperty(name)));
        }
    }

    private static string Compact(JsonElement e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) e.WriteTo(json);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
