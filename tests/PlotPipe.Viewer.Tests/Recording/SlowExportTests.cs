using System.Globalization;
using System.Net;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using PlotPipe.Protocol;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>Tests that stream millions of points on purpose: run alone, so their load does not bend other tests' timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyStreamCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "heavy streams";
}

/// <summary>An export that a slow client holds open while the series it reads streams on past its cap.</summary>
[Collection(HeavyStreamCollection.Name)]
public sealed class SlowExportTests
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task A_slow_export_of_a_capped_series_while_it_streams_never_reads_reused_memory()
    {
        // The store reuses an evicted chunk a quarter second after eviction; a reader slower than that must not
        // take the newer points written into it for the older ones it was reading.
        // A cap whose CSV (some 20 MB) is more than the socket and the server buffer, so the export really waits.
        const int Cap = 1_048_576;
        using var viewer = await ViewerProcess.StartAsync("--max-points", Cap.ToString(CultureInfo.InvariantCulture));
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "ramp", "b-");
        const int Frame = 4096;
        long next = 0;
        async Task SendAsync()
        {
            var xs = new double[Frame];
            var ys = new double[Frame];
            for (int i = 0; i < Frame; i++, next++)
            {
                xs[i] = next;
                ys[i] = next * 3.0;
            }
            await viewer.PointsAsync(0, xs, ys);
        }
        while (next < Cap) await SendAsync();

        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viewer.Url, "api/export?format=csv"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer.Token);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await body.ReadLineAsync();
        Assert.Equal("series,x,y", first);
        // The client stops reading while the series moves on by several times its cap, and every chunk the export
        // has not sent yet is evicted and reused meanwhile.
        long streamedBefore = next;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Longer than the reuse wait, so evicted chunks come back into use while the export waits.
        while (next < streamedBefore + 4L * Cap || clock.Elapsed < TimeSpan.FromSeconds(1)) await SendAsync();
        await Http.WaitForAsync(async () =>
        {
            var status = await Http.GetJsonAsync(viewer, "api/status");
            return status.GetProperty("points").GetInt64() + status.GetProperty("evicted").GetInt64() == next;
        }, "the points to arrive");

        double last = double.NegativeInfinity;
        int rows = 0;
        while (await body.ReadLineAsync() is { } line)
        {
            var f = line.Split(',');
            double x = double.Parse(f[1], CultureInfo.InvariantCulture), y = double.Parse(f[2], CultureInfo.InvariantCulture);
            Assert.True(x > last, $"row {rows}: x {x} after {last}: a reused chunk was read as the old one");
            Assert.Equal(x * 3.0, y);
            // Only points held when the export began (or still held when it reached them).
            Assert.True(x < streamedBefore, $"row {rows}: x {x} was sent after the export began");
            last = x;
            rows++;
        }
        Assert.True(rows > 0 && rows <= Cap + 65536, $"{rows} rows");
    }
}
