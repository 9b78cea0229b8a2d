using System.Globalization;
using System.Net;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Lifecycle;
using PlotPipe.Viewer.Tests.Support;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary><c>GET /api/export</c> on the real viewer: the exact points of an x range, streamed as CSV or Arrow.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-export-").FullName;
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A line with growing x, and a scatter whose x jumps about (so the range is found by scanning).
    private static readonly (double[] X, double[] Y) Line = Make(200_000, i => i * 0.5, i => Math.Sin(i * 1e-3));
    private static readonly (double[] X, double[] Y) Scatter = Make(100_000, i => (i * 7919L % 100_000) * 1.25 + 0.1, i => i / 3.0);

    private static (double[] X, double[] Y) Make(int n, Func<int, double> x, Func<int, double> y)
    {
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = x(i);
            ys[i] = y(i);
        }
        return (xs, ys);
    }

    private static async Task<ViewerProcess> ViewerWithPointsAsync()
    {
        var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "wave, left", "b-");
        await viewer.DefineAsync(1, SeriesKind.Scatter, "dots", "ro");
        await viewer.PointsAsync(0, Line.X, Line.Y);
        await viewer.PointsAsync(1, Scatter.X, Scatter.Y);
        await viewer.FinishAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        return viewer;
    }

    private static async Task<HttpResponseMessage> ExportAsync(ViewerProcess viewer, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viewer.Url, "api/export?" + query));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer.Token);
        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static List<(double X, double Y)> InRange((double[] X, double[] Y) sent, double from, double to)
    {
        var kept = new List<(double, double)>();
        for (int i = 0; i < sent.X.Length; i++)
        {
            if (sent.X[i] >= from && sent.X[i] <= to) kept.Add((sent.X[i], sent.Y[i]));
        }
        return kept;
    }

    [Fact]
    public async Task Csv_export_of_an_x_range_holds_exactly_the_points_sent_in_that_range()
    {
        using var viewer = await ViewerWithPointsAsync();
        const double from = 1000.25, to = 30_000;
        using var response = await ExportAsync(viewer, $"format=csv&from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("series,x,y", lines[0]);
        var got = new Dictionary<string, List<(double, double)>> { ["\"wave, left\""] = [], ["dots"] = [] };
        foreach (var line in lines.Skip(1))
        {
            int y = line.LastIndexOf(',');
            int x = line.LastIndexOf(',', y - 1);
            got[line[..x]].Add((double.Parse(line[(x + 1)..y], CultureInfo.InvariantCulture), double.Parse(line[(y + 1)..], CultureInfo.InvariantCulture)));
        }
        Assert.Equal(InRange(Line, from, to), got["\"wave, left\""]);
        Assert.Equal(InRange(Scatter, from, to), got["dots"]);
        Assert.NotEmpty(got["dots"]);
    }

    [Fact]
    public async Task Arrow_export_of_one_series_is_read_by_the_npm_reader_with_the_points_in_range()
    {
        using var viewer = await ViewerWithPointsAsync();
        const double from = 500, to = 90_000.5;
        using var response = await ExportAsync(viewer, $"format=arrow&from={from}&to={to}&series=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("filename=", response.Content.Headers.ContentDisposition!.ToString());
        var path = Path.Combine(_dir, "dots.arrow");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        var read = await ArrowJs.ReadAsync(path);
        Assert.Null(read.Error);
        Assert.Equal(["dots"], read.SeriesNames);
        var expected = InRange(Scatter, from, to);
        var dots = read.Series("dots");
        Assert.Equal(expected.Count, dots.Count);
        Assert.Equal(expected[0], (dots.FirstX, dots.FirstY));
        Assert.Equal(expected[^1], (dots.LastX, dots.LastY));
        double sx = 0, sy = 0;
        foreach (var (x, y) in expected)
        {
            sx += x;
            sy += y;
        }
        Assert.Equal((sx, sy), (dots.SumX, dots.SumY));
    }

    [Theory]
    [InlineData("format=xml", "format=xml")]
    [InlineData("from=abc", "from=abc")]
    [InlineData("from=5&to=1", "from=5 to=1")]
    [InlineData("series=7", "series=7")]
    public async Task Export_with_a_bad_value_is_refused_naming_it(string query, string named)
    {
        using var viewer = await ViewerWithPointsAsync();
        using var response = await ExportAsync(viewer, query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync());
    }

    private static long PeakResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) return long.Parse(line[6..^2].Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmHWM");
    }

    [Fact]
    public async Task Csv_export_of_millions_of_points_is_streamed_not_built_in_memory_first()
    {
        using var viewer = await ViewerProcess.StartAsync();
        await viewer.HandshakeAsync();
        await viewer.DefineAsync(0, SeriesKind.Line, "long", "-");
        var xs = new double[1 << 20];
        var ys = new double[1 << 20];
        for (int block = 0; block < 4; block++)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = block * (double)xs.Length + i;
                ys[i] = Math.Sqrt(i) + 0.123456789;
            }
            await viewer.PointsAsync(0, xs, ys);
        }
        await viewer.FinishAsync();
        await Http.WaitForStateAsync(viewer, "finished");
        long before = PeakResidentBytes(viewer.ProcessId);

        using var response = await ExportAsync(viewer, "format=csv");
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0, lines = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0; bytes += n) lines += buffer.AsSpan(0, n).Count((byte)'\n');
        long growth = PeakResidentBytes(viewer.ProcessId) - before;

        Assert.Equal(1 + 4L * xs.Length, lines);
        Assert.True(bytes > 100_000_000, $"{bytes} bytes of CSV");
        // Built in memory first, the CSV alone would have raised the peak by its size.
        Assert.True(growth < bytes / 4, $"peak resident memory grew {growth / 1e6:0.0} MB during an export of {bytes / 1e6:0.0} MB");
    }
}
