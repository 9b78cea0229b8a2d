using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Decimate;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>The hover readout's exact values: the stored point nearest in x, per series, against a plain search.</summary>
public sealed class NearestQueryTests
{
    [Theory]
    [InlineData(ColumnChunk.MinShift, 0.0)]
    [InlineData(ColumnChunk.MinShift, 0.05)]
    [InlineData(ColumnChunk.MaxShift, 0.01)]
    public void Nearest_point_of_a_line_is_the_one_a_full_search_finds(int shift, double nanRate)
    {
        var (xs, ys) = BruteForce.Line(150_000, 11, nanRate);
        var snap = BruteForce.Store(SeriesKind.Line, xs, ys, shift).Snapshot();
        var rng = new Random(3);
        for (int q = 0; q < 300; q++)
        {
            // Before, inside and after the data, and exactly on stored x.
            double x = q % 10 == 0 ? xs[rng.Next(xs.Length)] : xs[0] - 5 + rng.NextDouble() * (xs[^1] - xs[0] + 10);
            long at = NearestQuery.NearestInLine(snap, x);
            double want = BestDistance(xs, ys, x);
            Assert.True(at >= 0);
            Assert.Equal(want, Math.Abs(snap.X(at) - x));
            Assert.Equal(xs[at], snap.X(at));
            Assert.False(double.IsNaN(snap.Y(at)));
        }
    }

    [Theory]
    [InlineData(ColumnChunk.MinShift)]
    [InlineData(ColumnChunk.MaxShift)]
    public void Nearest_point_of_an_unsorted_scatter_is_the_earliest_a_full_search_finds(int shift)
    {
        var rng = new Random(5);
        int n = 100_000;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Clustered in time like a real sensor sweep, with repeats and NaNs.
            xs[i] = Math.Round((i / 5000) * 10 + rng.NextDouble() * 30, 2);
            ys[i] = rng.Next(50) == 0 ? double.NaN : rng.NextDouble();
        }
        var snap = BruteForce.Store(SeriesKind.Scatter, xs, ys, shift).Snapshot();
        for (int q = 0; q < 200; q++)
        {
            double x = rng.NextDouble() * 260 - 20;
            long at = NearestQuery.NearestInScatter(snap, x);
            long want = -1;
            double best = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                double d = Math.Abs(xs[i] - x);
                if (d < best && double.IsFinite(ys[i])) { best = d; want = i; }
            }
            Assert.Equal(want, at);
        }
    }

    [Fact]
    public void A_series_with_no_drawable_point_has_no_nearest()
    {
        var empty = BruteForce.Store(SeriesKind.Line, [], []).Snapshot();
        Assert.Equal(-1, NearestQuery.NearestInLine(empty, 1));
        var gaps = BruteForce.Store(SeriesKind.Scatter, [1, 2], [double.NaN, double.NaN]).Snapshot();
        Assert.Equal(-1, NearestQuery.NearestInScatter(gaps, 1));
    }

    [Fact]
    public async Task Api_nearest_answers_exact_stored_values_per_visible_series_and_panel()
    {
        var store = new PlotStore();
        // Values no decimation or float formatting round trip would keep by accident.
        var line = store.Define(new SeriesDefinition(0, SeriesKind.Line, "line", "b-", Panel: 0));
        line.Append([0.1, 0.2, 0.30000000000000004, 0.4], [1.0 / 3, 2.0 / 3, Math.PI, Math.E]);
        var cloud = store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "cloud", "ro", Panel: 1));
        cloud.Append([5, 0.29, -3, 0.31], [10, 20.000000000000004, 30, 40]);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "empty", "g-", Panel: 1));
        store.Touch();
        await using var server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), store, new ViewerStatus(store), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);

        var all = await GetAsync(http, "api/nearest?x=0.3");
        Assert.Equal(0.3, all.GetProperty("x").GetDouble());
        var rows = all.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Equal(0, rows[0].GetProperty("index").GetInt32());
        Assert.Equal(0.30000000000000004, rows[0].GetProperty("x").GetDouble());
        Assert.Equal(Math.PI, rows[0].GetProperty("y").GetDouble());
        Assert.Equal(0, rows[0].GetProperty("panel").GetInt32());
        Assert.Equal(1, rows[1].GetProperty("index").GetInt32());
        Assert.Equal(0.29, rows[1].GetProperty("x").GetDouble());
        Assert.Equal(20.000000000000004, rows[1].GetProperty("y").GetDouble());
        Assert.Equal(1, rows[1].GetProperty("panel").GetInt32());

        var panelOne = (await GetAsync(http, "api/nearest?x=100&panel=1")).GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(5, Assert.Single(panelOne).GetProperty("x").GetDouble());

        var hidden = (await GetAsync(http, "api/nearest?x=0.3&hidden=1,99")).GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(0, Assert.Single(hidden).GetProperty("index").GetInt32());

        Assert.Empty((await GetAsync(http, "api/nearest?x=0&panel=5")).GetProperty("series").EnumerateArray());
    }

    [Theory]
    [InlineData("api/nearest", "x")]
    [InlineData("api/nearest?x=abc", "x")]
    [InlineData("api/nearest?x=NaN", "x")]
    [InlineData("api/nearest?x=1e999", "x")]
    [InlineData("api/nearest?x=1&panel=64", "panel")]
    [InlineData("api/nearest?x=1&panel=-1", "panel")]
    [InlineData("api/nearest?x=1&hidden=1,a", "hidden")]
    public async Task Api_nearest_refuses_a_bad_query_with_400_and_one_line(string query, string names)
    {
        var store = new PlotStore();
        await using var server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), store, new ViewerStatus(store), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        var response = await http.GetAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(names, text);
        Assert.DoesNotContain('\n', text.TrimEnd('\n'));
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static double BestDistance(double[] xs, double[] ys, double x)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < xs.Length; i++)
        {
            if (double.IsFinite(ys[i])) best = Math.Min(best, Math.Abs(xs[i] - x));
        }
        return best;
    }
}
