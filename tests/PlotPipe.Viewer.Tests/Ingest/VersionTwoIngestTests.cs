using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Version 2 streams: the producer's name, the plot and its panels, and each series' panel and time flag reach the store and the API.</summary>
public class VersionTwoIngestTests
{
    private static byte[] TrainingStream(bool finish = true)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer[42]", "");
        FrameWriter.WriteDefinePlot(w, [new("title", "Training"), new("future.key", "ignored")]);
        FrameWriter.WriteDefinePanel(w, 2, [new("title", "Loss"), new("ylabel", "cross-entropy"), new("yscale", "log")]);
        FrameWriter.WriteDefinePanel(w, 1, [new("title", "first version, replaced")]);
        FrameWriter.WriteDefinePanel(w, 1, [new("title", "Accuracy"), new("xlabel", "step"), new("linkx", "false")]);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 2, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "acc", "g--", 1, SeriesFlags.None);
        FrameWriter.WriteDefineSeries(w, 2, SeriesKind.Line, "temperature", "r-", 0, SeriesFlags.TimeX);
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [2.5, 1.2, 0.6]);
        FrameWriter.WritePoints(w, 2, [1.7e9, 1.7e9 + 0.000001], [21.5, 21.6]);
        if (finish) FrameWriter.WriteFinish(w);
        return w.WrittenSpan.ToArray();
    }

    private static Task<(PlotStore Store, List<string> Reports)> Ingest(byte[] bytes, int chunk) => FrameIngestTests.Ingest(bytes, chunk);

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    public async Task Version_two_stream_is_stored_with_its_producer_plot_panels_and_series_panels(int chunk)
    {
        var (store, reports) = await Ingest(TrainingStream(), chunk);
        Assert.Empty(reports);
        Assert.Equal(StreamState.Finished, store.State);
        Assert.Equal(["trainer[42]"], store.Producers);
        Assert.Equal("Training", store.Plot.Title);
        Assert.Equal(
            [
                new PanelDefinition(0, null, null, null, AxisKind.Linear, AxisKind.Linear, true),
                new PanelDefinition(2, "Loss", null, "cross-entropy", AxisKind.Linear, AxisKind.Log, true),
                new PanelDefinition(1, "Accuracy", "step", null, AxisKind.Linear, AxisKind.Linear, false),
            ],
            store.Plot.Panels);
        var loss = store.Find(0)!;
        Assert.Equal(("trainer[42]", 2, SeriesFlags.None, 3L), (loss.Producer, loss.Definition.Panel, loss.Definition.Flags, loss.Count));
        Assert.Equal((1, SeriesFlags.None), (store.Find(1)!.Definition.Panel, store.Find(1)!.Definition.Flags));
        var temperature = store.Find(2)!;
        Assert.Equal((0, SeriesFlags.TimeX), (temperature.Definition.Panel, temperature.Definition.Flags));
        Assert.Equal(1.7e9 + 0.000001, temperature.Snapshot().X(1));
    }

    [Fact]
    public async Task Version_one_stream_gets_a_producer_named_by_the_viewer_and_the_default_panel()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w, version: 1);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro");
        FrameWriter.WriteFinish(w);
        var (store, reports) = await Ingest(w.WrittenSpan.ToArray(), 5);
        Assert.Empty(reports);
        Assert.Equal(["producer 1"], store.Producers);
        Assert.Equal(PlotDefinition.DefaultTitle, store.Plot.Title);
        Assert.Equal([0], store.Plot.Panels.Select(p => p.Id));
        Assert.Equal(("producer 1", 0), (store.Find(0)!.Producer, store.Find(0)!.Definition.Panel));
    }

    [Fact]
    public async Task Hello_without_a_name_lets_the_viewer_name_the_producer()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "y", "", 0, SeriesFlags.None);
        var (store, _) = await Ingest(w.WrittenSpan.ToArray(), 64);
        Assert.Equal(["producer 1"], store.Producers);
        Assert.Equal("producer 1", store.Find(0)!.Producer);
    }

    [Fact]
    public async Task Bad_panel_value_is_named_at_its_byte_and_ends_the_stream_keeping_the_points()
    {
        var good = TrainingStream(finish: false);
        var w = new ArrayBufferWriter<byte>();
        w.Write(good);
        FrameWriter.WriteDefinePanel(w, 3, [new("yscale", "log")]);
        var bytes = w.WrittenSpan.ToArray();
        // "log" -> "lg?": the value's first byte is named, 8 + 8 + 4 + 6 bytes into the frame.
        bytes[good.Length + 8 + 8 + 4 + 6] = (byte)'X';
        var (store, reports) = await Ingest(bytes, 7);
        var report = Assert.Single(reports);
        Assert.Contains($"byte {good.Length + 26}: property \"yscale\" must be \"linear\" or \"log\", found \"Xog\"", report);
        Assert.Equal(StreamState.Disconnected, store.State);
        Assert.Equal(5, store.TotalPoints);
        Assert.DoesNotContain(store.Plot.Panels, p => p.Id == 3);
    }

    [Fact]
    public async Task Viewer_over_stdin_serves_the_plot_definition_and_each_series_producer_and_panel()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.Input.WriteAsync(TrainingStream());
        await viewer.Input.FlushAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Token);
        var api = new Uri(viewer.Url.GetLeftPart(UriPartial.Authority));

        // Poll until the stream is in: the finish frame is the last one applied.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement status;
        do
        {
            status = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/api/status"))).RootElement;
            if (status.GetProperty("state").GetString() == "finished") break;
            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        Assert.True(status.GetProperty("state").GetString() == "finished", $"stream not finished in time: {status}; {viewer.Errors}");

        var plot = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/api/plot"))).RootElement;
        Assert.Equal("Training", plot.GetProperty("title").GetString());
        Assert.Equal(["trainer[42]"], plot.GetProperty("producers").EnumerateArray().Select(p => p.GetString()));
        var panels = plot.GetProperty("panels").EnumerateArray().ToArray();
        Assert.Equal([0, 2, 1], panels.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal(JsonValueKind.Null, panels[0].GetProperty("title").ValueKind);
        Assert.Equal(("Loss", "cross-entropy", "log", "linear", true),
            (panels[1].GetProperty("title").GetString(), panels[1].GetProperty("ylabel").GetString(), panels[1].GetProperty("yscale").GetString(),
             panels[1].GetProperty("xscale").GetString(), panels[1].GetProperty("linkx").GetBoolean()));
        Assert.Equal(("Accuracy", "step", false),
            (panels[2].GetProperty("title").GetString(), panels[2].GetProperty("xlabel").GetString(), panels[2].GetProperty("linkx").GetBoolean()));

        var series = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/api/series"))).RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(("trainer[42]", 2, false, 3), (series["loss"].GetProperty("producer").GetString(), series["loss"].GetProperty("panel").GetInt32(),
            series["loss"].GetProperty("xIsTime").GetBoolean(), series["loss"].GetProperty("count").GetInt32()));
        Assert.Equal((1, false), (series["acc"].GetProperty("panel").GetInt32(), series["acc"].GetProperty("xIsTime").GetBoolean()));
        Assert.Equal((0, true), (series["temperature"].GetProperty("panel").GetInt32(), series["temperature"].GetProperty("xIsTime").GetBoolean()));
    }
}
