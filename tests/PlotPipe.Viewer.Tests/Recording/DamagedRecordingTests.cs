using System.Net;
using System.Text;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Recording.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// What the viewer makes of damaged recordings and of files that are not recordings: a loaded plot, or one plain
/// line naming the byte, with the plot and its producers no longer streaming; never a 500 for what it opened.
/// </summary>
public sealed class DamagedRecordingTests(ITestOutputHelper output)
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    // The reader's refusal of a whole file, read as the loader reads it.
    private static string Refusal(byte[] bytes)
    {
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new RecordingReader(new MemoryStream(bytes));
            while (reader.Next()) { }
        });
        return e.Message;
    }

    [Theory]
    [InlineData(new byte[0], "an empty file is not an Arrow IPC stream")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "not an Arrow IPC stream: it starts with the bytes 89504E47, not the stream's marker FFFFFFFF")]
    [InlineData(new byte[] { (byte)'s', (byte)'t', (byte)'e', (byte)'p', (byte)',', (byte)'y', (byte)'\n' }, "not an Arrow IPC stream: it starts with the bytes 73746570, not the stream's marker FFFFFFFF")]
    [InlineData(new byte[] { (byte)'A', (byte)'R', (byte)'R', (byte)'O', (byte)'W', (byte)'1', 0, 0 }, "not an Arrow IPC stream: it starts with ARRO, as Arrow's random-access file format does; a recording is the stream format")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x10 }, "not an Arrow IPC stream, or one cut short: it ends at byte 5, inside its first message")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 }, "an Arrow IPC stream that ends at byte 8, before its schema, is not a recording")]
    public void A_file_that_is_not_an_arrow_stream_is_refused_saying_so(byte[] bytes, string says) => Assert.Equal(says, Refusal(bytes));

    [Fact]
    public async Task Each_kind_of_damage_is_refused_in_one_line_that_names_the_place()
    {
        foreach (var (name, bytes, says) in await DamagedFiles.AllAsync())
        {
            var message = Refusal(bytes);
            output.WriteLine($"{name}: {message}");
            Assert.True(message.Contains(says, StringComparison.Ordinal), $"{name}: {message}");
            Assert.True(message.Contains("byte", StringComparison.Ordinal), $"{name} names no byte: {message}");
            Assert.DoesNotContain("\n", message);
        }
    }

    [Fact]
    public async Task A_failed_open_leaves_the_plot_and_every_producer_it_defined_disconnected_with_the_reason_and_keeps_what_it_read()
    {
        var bytes = await DamagedFiles.WithSeriesIndexInLastBatchAsync(1000);
        var store = new PlotStore();

        var line = RecordingLoader.Open("run.arrow", new MemoryStream(bytes), store);

        Assert.StartsWith("cannot open run.arrow as a recording: batch ", line);
        Assert.Contains("row 0's series index 1000 is not in the dictionary of 6", line);
        Assert.Equal(StreamState.Disconnected, store.State);
        Assert.Equal(line, store.Error);
        Assert.Equal(["trainer", "probe"], store.ProducerStates.Select(p => p.Name));
        Assert.All(store.ProducerStates, p => Assert.Equal(StreamState.Disconnected, p.State));
        Assert.All(store.ProducerStates, p => Assert.Equal(line, p.Error));
        var report = new ViewerStatus(store).Report();
        Assert.Equal("disconnected", report.State);
        Assert.Equal(line, report.Error);
        Assert.InRange(store.TotalPoints, 1, 1252);
    }

    [Fact]
    public async Task Definitions_with_a_null_title_and_null_fields_open_with_defaults_and_export_and_serve_without_a_500()
    {
        var bytes = await DamagedFiles.WithDefinitionsAsync(json =>
        {
            json["title"] = null;
            json["panels"]![1]!["xScale"] = null;
            json["panels"]![1]!.AsObject().Remove("yScale");
            json["producers"]![0]!["address"] = null;
            json["series"]![0]!["format"] = null;
            json["series"]![0]!["kind"] = null;
            json["series"]![1]!["name"] = null;
            json["series"]![1]!["producer"] = null;
        });
        var store = new PlotStore();

        Assert.StartsWith("opened run.arrow: ", RecordingLoader.Open("run.arrow", new MemoryStream(bytes), store));

        Assert.Equal(PlotDefinition.DefaultTitle, store.Plot.Title);
        Assert.Equal((AxisKind.Linear, AxisKind.Linear), (store.Plot.Panels[1].XScale, store.Plot.Panels[1].YScale));
        Assert.Equal("temperature", store.Series[0].Name);
        Assert.Equal(Protocol.SeriesKind.Scatter, store.Series[0].Kind);
        // A null name takes the series' column value.
        Assert.Equal("loss", store.Series[1].Name);
        Assert.Equal(["png", "svg"], new[] { PictureExporter.Render(store, 320).PngBytes(), PictureExporter.Render(store, 320).SvgBytes() }.Select(b => b.Length > 0 ? (b[0] == 0x89 ? "png" : "svg") : "none"));

        await using var server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), store, new ViewerStatus(store), CancellationToken.None,
            context => PointExport.ServeAsync(context, store));
        foreach (var query in new[] { "format=csv", "format=arrow" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/export?" + query));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Token);
            using var response = await Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("attachment; filename=\"PlotPipe." + query["format=".Length..] + "\"", response.Content.Headers.ContentDisposition!.ToString());
        }
    }

    [Theory]
    [InlineData("""{"title":"t","series":[{"label":"a","id":1024}]}""", "series[0] has id 1024; series take ids 0 to 1023")]
    [InlineData("""{"title":"t","series":[{"label":"a","panel":-1}]}""", "series[0] is in panel -1; panels take ids 0 to 63")]
    [InlineData("""{"title":"t","series":[{"label":"a","kind":"bar"}]}""", "series[0] is of kind \"bar\", not line or scatter")]
    [InlineData("""{"title":"t","series":[{"label":"a","format":"ro-b"}]}""", "series[0] has the format \"ro-b\", which is not a format string")]
    [InlineData("""{"title":"t","series":[{"name":""}]}""", "series[0] has an empty name")]
    [InlineData("""{"title":"t","series":[null]}""", "series[0] is null")]
    [InlineData("""{"title":"t","series":[{"label":"a","kind":"\u001b[2J\nbar"}]}""", "series[0] is of kind \"\uFFFD[2J\uFFFDbar\", not line or scatter")]
    [InlineData("""{"title":"t","series":[{"label":"a","format":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]}""", "has the format \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\", which")]
    [InlineData("""{"title":"t","series":[{"\u001b[2J":1,"id":"x"}]}""", "at $.series[0].id")]
    [InlineData("""{"title":"t","panels":[{"id":64}]}""", "panels[0] has id 64; panels take ids 0 to 63")]
    [InlineData("""{"title":"t","panels":[{"id":1,"yScale":"ln"}]}""", "panels[0].yScale is \"ln\", not linear or log")]
    [InlineData("""{"title":"t","series":[{"label":"a","flags":65536}]}""", "series[0] has flags 65536; flags take 16 bits")]
    [InlineData("""{"title":"t","series":[{"label":"a","id":"zero"}]}""", "they do not read as a recording's JSON at $.series[0].id (line 1, byte ")]
    [InlineData("""{"title":"t","panels":[{"id":1,"linkX":null}]}""", "they do not read as a recording's JSON at $.panels[0].linkX")]
    [InlineData("""{"title":"t","series":[{"label":"a","id":1e400}]}""", "they do not read as a recording's JSON at $.series[0].id")]
    [InlineData("""{"title":"\ud800"}""", "they do not read as a recording's JSON at $.title")]
    [InlineData("""{"title":""", "they do not read as a recording's JSON")]
    [InlineData("null", "they are null")]
    public void Impossible_definitions_are_refused_naming_the_field(string json, string says)
    {
        var e = Assert.Throws<InvalidDataException>(() => RecordedPlot.Parse(json));
        Assert.Contains(says, e.Message);
        Assert.DoesNotContain("Exception", e.Message);
        Assert.DoesNotContain("System.", e.Message);
        Assert.DoesNotContain(e.Message, char.IsControl);
    }

    [Fact]
    public void Null_and_missing_text_and_lists_and_missing_numbers_take_their_defaults()
    {
        var plot = RecordedPlot.Parse("""{"title":null,"panels":[{"id":2}],"producers":[{"name":null,"address":null}],"series":[{"label":"a"},{"name":"b","kind":"line"}]}""");

        Assert.Equal(PlotDefinition.DefaultTitle, plot.Title);
        Assert.Equal(new RecordedPanel(2, null, null, null, "linear", "linear", true), plot.Panels[0]);
        Assert.Equal(new RecordedProducer("producer 1", ""), plot.Producers[0]);
        Assert.Equal(new RecordedSeries("a", "a", "", 0, "scatter", "", 0, 0), plot.Series[0]);
        Assert.Equal(new RecordedSeries("b", "b", "", 0, "line", "", 0, 0), plot.Series[1]);
        Assert.Empty(RecordedPlot.Parse("{}").Series);
    }

}
