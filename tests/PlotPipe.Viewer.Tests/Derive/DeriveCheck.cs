using System.Globalization;
using System.Net.Http.Headers;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>What the derived series tests compute on their own, apart from the viewer's code, and how they read its points back.</summary>
internal static class DeriveCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// TensorBoard's debiased EMA over the finite ys (docs/markers-alerts-derived.md#functions): m_i = m_(i−1)·w +
    /// (1 − w)·y_i from m_0 = 0, p_i = p_(i−1)·w from p_0 = 1, ema_i = m_i / (1 − p_i); a value that is not finite is
    /// itself and leaves m and p as they were.
    /// </summary>
    public static double[] Ema(IReadOnlyList<double> ys, double w)
    {
        var ema = new double[ys.Count];
        double m = 0, p = 1;
        for (int i = 0; i < ys.Count; i++)
        {
            if (!double.IsFinite(ys[i]))
            {
                ema[i] = ys[i];
                continue;
            }
            m = m * w + (1 - w) * ys[i];
            p *= w;
            ema[i] = m / (1 - p);
        }
        return ema;
    }

    /// <summary>A loss that falls from <paramref name="top"/> with noise up to <paramref name="noise"/>, at uneven steps.</summary>
    public static (double[] X, double[] Y) Loss(int n, int seed, double top, double noise)
    {
        var random = new Random(seed);
        var xs = new double[n];
        var ys = new double[n];
        double x = 0;
        for (int i = 0; i < n; i++)
        {
            x += 0.5 + random.NextDouble();
            xs[i] = x;
            ys[i] = top / (1 + 0.01 * i) + noise * random.NextDouble();
        }
        return (xs, ys);
    }

    /// <summary>The points of series <paramref name="name"/> as the viewer's CSV export gives them.</summary>
    public static async Task<List<(double X, double Y)>> ExportAsync(CommandLineViewer viewer, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viewer.Url, $"api/export?format=csv&series={Uri.EscapeDataString(name)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Token);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var points = new List<(double, double)>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            var parts = line.Split(',');
            if (parts.Length == 3 && parts[0] == name)
                points.Add((double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture)));
        }
        return points;
    }

    /// <summary>
    /// Runs <paramref name="batch"/> twelve times and fails if it allocates per batch. The runtime's own one-time work
    /// (tiered compilation swapping in faster code) may allocate a few KiB on this thread in some batch; allocating per
    /// batch would show in every one.
    /// </summary>
    public static void AllocatesNothingPerBatch(Action batch)
    {
        var allocated = new long[12];
        for (int k = 0; k < allocated.Length; k++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch();
            allocated[k] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.True(allocated.Count(a => a == 0) >= allocated.Length - 2 && allocated.Sum() < 16 * 1024, $"bytes allocated per batch: {string.Join(", ", allocated)}");
    }
}
