using System.Net.Sockets;
using System.Text;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>The viewer's server is safe by default: loopback only, its own files only, its own Host only (each request carrying the token, so the check behind it is what answers).</summary>
public class ViewerSafetyTests
{
    private static async Task<string> RawGet(Uri url, string target, string? host = null, bool withToken = true)
    {
        var authorization = withToken && ViewerApi.TokenOf(url) is { } token ? $"Authorization: Bearer {token}\r\n" : "";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: {host ?? url.Authority}\r\n{authorization}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Only_the_pages_own_files_are_served_and_paths_cannot_climb_out()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false });
        try
        {
            var url = plot.Url;
            Assert.Equal("127.0.0.1", url.Host);
            Assert.StartsWith("HTTP/1.1 200", await RawGet(url, "/"));
            Assert.Contains("PlotPipe", await RawGet(url, "/"));
            Assert.StartsWith("HTTP/1.1 200", await RawGet(url, "/uPlot.iife.min.js"));
            foreach (var target in new[]
            {
                "/PlotPipe.Viewer.dll", "/../PlotPipe.Viewer.dll", "/%2e%2e/PlotPipe.Viewer.dll", "/..%2fPlotPipe.Viewer.dll",
                "/%2e%2e%2f%2e%2e%2fetc/passwd", "/../../../../etc/passwd", "/PlotPipe.Viewer.deps.json",
            })
            {
                var response = await RawGet(url, target);
                Assert.DoesNotContain("HTTP/1.1 200", response.Split("\r\n")[0]);
                Assert.DoesNotContain("root:", response);
            }
        }
        finally
        {
            plot.CloseViewer();
        }
    }

    [Fact]
    public async Task A_request_for_another_host_name_is_refused()
    {
        var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false });
        try
        {
            var url = plot.Url;
            var response = await RawGet(url, "/api/status", host: $"evil.example:{url.Port}");
            Assert.StartsWith("HTTP/1.1 403", response);
            Assert.StartsWith("HTTP/1.1 200", await RawGet(url, "/api/status", host: $"localhost:{url.Port}"));
            // Refused for its name before the token is even looked at.
            Assert.StartsWith("HTTP/1.1 403", await RawGet(url, "/api/status", host: $"evil.example:{url.Port}", withToken: false));
        }
        finally
        {
            plot.CloseViewer();
        }
    }
}
