using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests;

/// <summary>The producer introduces itself: version 2 with a Hello carrying <see cref="LivePlotOptions.ProducerName"/>.</summary>
public class ProducerNameTests
{
    [Fact]
    public void Default_producer_name_is_the_programs_name_and_process_id()
    {
        string name = new LivePlotOptions().ProducerName;
        Assert.EndsWith($"[{Environment.ProcessId}]", name);
        Assert.True(name.Length > $"[{Environment.ProcessId}]".Length, $"no program name in \"{name}\"");
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Missing_producer_name_throws_naming_the_option(string? name)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { ProducerName = name! }));
        Assert.Equal("ProducerName", e.ParamName);
    }

    [Fact]
    public void Overlong_producer_name_throws_naming_its_size()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LivePlot.ToStream(new GateStream(), new LivePlotOptions { ProducerName = new string('é', 101) }));
        Assert.Equal("ProducerName", e.ParamName);
        Assert.Contains("202 UTF-8 bytes", e.Message);
    }

    [Fact]
    public async Task Stream_opens_with_version_two_and_a_Hello_naming_the_producer_with_no_token()
    {
        var sink = new GateStream();
        await using (var plot = LivePlot.ToStream(sink, new LivePlotOptions { ProducerName = "trainer ✓", WhenFull = WhenFull.Block }))
        {
            plot.Line("loss").Add(1, 2);
        }
        var bytes = new ReadOnlySequence<byte>(sink.ToArray());
        var decoder = new FrameDecoder();
        Assert.True(decoder.TryReadFrame(ref bytes, out var first));
        Assert.Equal(2, decoder.Version);
        Assert.Equal(FrameType.Hello, first.Type);
        Assert.Equal(new ProducerHello("trainer ✓", ""), first.ReadHello());
    }

    [Fact]
    public async Task Spawned_viewer_shows_the_producer_name_on_the_plot_and_its_series()
    {
        await using var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, ProducerName = "run-7", WhenFull = WhenFull.Block });
        plot.Line("loss").Add(1, 0.5);
        plot.Finish();
        using var api = new ViewerApi(plot.Url);
        await api.WaitForStatusAsync(s => s.State == "finished");
        using var http = new HttpClient { BaseAddress = new Uri(plot.Url.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ViewerApi.TokenOf(plot.Url));
        var producers = JsonDocument.Parse(await http.GetStringAsync("/api/plot")).RootElement.GetProperty("producers");
        Assert.Equal(["run-7"], producers.EnumerateArray().Select(p => p.GetString()));
        var row = Assert.Single(JsonDocument.Parse(await http.GetStringAsync("/api/series")).RootElement.EnumerateArray());
        Assert.Equal(("loss", "run-7", 0), (row.GetProperty("name").GetString(), row.GetProperty("producer").GetString(), row.GetProperty("panel").GetInt32()));
    }
}
