using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PlotPipe.Viewer.Tests.Support;
using Xunit;
using static PlotPipe.Viewer.Tests.Derive.DeriveCheck;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary><c>POST /api/derived</c> in the real viewer process: a rule added from the page, its series' exact points, its refusals.</summary>
public sealed class DeriveApiTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(CommandLineViewer viewer, string rule, bool token = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(viewer.Url, "api/derived")) { Content = new StringContent(rule, Encoding.UTF8, "text/plain") };
        if (token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Token);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Rows(double[] xs, double[] ys, int from, int to)
    {
        var text = new StringBuilder();
        for (int i = from; i < to; i++) text.Append(R(xs[i])).Append(',').Append(R(ys[i])).Append('\n');
        return text.ToString();
    }

    [Fact]
    public async Task A_rule_posted_while_points_arrive_derives_the_points_before_it_and_after_it_exactly()
    {
        const int n = 3000, before = 1800;
        var random = new Random(11);
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = i * 0.5;
            ys[i] = 1 / (1 + 0.01 * i) + 0.2 * random.NextDouble();
        }
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        await viewer.WriteAsync("step,loss\n" + Rows(xs, ys, 0, before));
        await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == before, $"{before} points of loss");

        var (status, body) = await PostAsync(viewer, "loss_ema = ema(loss, 0.9)");
        Assert.Equal(HttpStatusCode.OK, status);
        var row = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        Assert.Equal("loss_ema", row.GetProperty("name").GetString());
        Assert.True(row.GetProperty("derived").GetBoolean());
        Assert.Equal("ema(loss, 0.9)", row.GetProperty("expression").GetString());
        Assert.Equal(before, row.GetProperty("count").GetInt64());

        await viewer.WriteAsync(Rows(xs, ys, before, n));
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");

        Assert.Equal(xs.Zip(Ema(ys, 0.9)).Take(n), await ExportAsync(viewer, "loss_ema"));
        var listed = (await viewer.GetAsync("api/series")).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "loss_ema");
        Assert.Equal(n, listed.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_bad_rule_or_a_taken_name_is_answered_400_with_the_reason_and_the_viewer_keeps_its_series()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin", "--derive", "twice = loss * 2");
        await viewer.WriteAsync("step,loss\n1,4\n2,1\n");
        await viewer.WaitForAsync(async () => await viewer.CountAsync("twice") == 2, "the derived series");

        Assert.Equal((HttpStatusCode.BadRequest, "at position 18: expected ) to close ema( but the expression ends\n"), await PostAsync(viewer, "s = ema(loss, 0.9"));
        Assert.Equal((HttpStatusCode.BadRequest, "a derived series named twice is defined already (twice = loss * 2)\n"), await PostAsync(viewer, "twice = rate(loss)"));
        Assert.Equal((HttpStatusCode.BadRequest, "a series named loss exists already: choose another name\n"), await PostAsync(viewer, "loss = twice / 2"));
        Assert.Equal((HttpStatusCode.BadRequest, "send the rule as the body, as in loss_ema = ema(loss, 0.9)\n"), await PostAsync(viewer, "  "));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(viewer, "s = " + new string('a', 5000))).Status);
        // Without the token nothing is added.
        Assert.NotEqual(HttpStatusCode.OK, (await PostAsync(viewer, "r = rate(loss)", token: false)).Status);

        var names = (await viewer.GetAsync("api/series")).EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(["loss", "twice"], names);
        // A rule that is good is taken after the refusals, and from then on computes as the others.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(viewer, "r = rate(loss)")).Status);
        await viewer.WriteAsync("3,3\n");
        viewer.CloseInput();
        await viewer.WaitForStateAsync("finished");
        Assert.Equal([(2.0, -3.0), (3.0, 2.0)], await ExportAsync(viewer, "r"));
        Assert.Equal(3, await viewer.CountAsync("twice"));
    }
}
