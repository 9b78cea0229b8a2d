using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>
/// Who may look at a real viewer process: the token in the printed address and in <c>plot.Url</c>, 401 without it,
/// <c>--token</c>, <c>--no-token</c> on loopback only, and a viewer on every interface reached (through 127.0.0.1)
/// by the address it printed.
/// </summary>
public class ViewerAccessTests
{
    [Fact]
    public async Task Plot_Url_carries_the_viewers_token_and_nothing_is_served_without_it()
    {
        await using var plot = LivePlot.Spawn(new LivePlotOptions { OpenBrowser = false });
        plot.Line("loss", "b-").Add(1, 2);
        var url = plot.Url;
        Assert.Equal("127.0.0.1", url.Host);
        var token = ViewerApi.TokenOf(url);
        Assert.NotNull(token);
        Assert.True(token.Length >= 22, $"token \"{token}\" is shorter than 128 bits");

        using var api = new ViewerApi(url);
        var series = await WaitForAsync(api.SeriesAsync, rows => rows.Count == 1);
        Assert.Equal("loss", series[0].Name);

        foreach (var target in new[] { "/", "/app.js", "/api/series", "/api/status" })
            Assert.StartsWith("HTTP/1.1 401", await RawGetAsync(url, target, url.Authority, token: null));
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync(url, "/api/series", url.Authority, token: token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.StartsWith("HTTP/1.1 200", await RawGetAsync(url, "/api/series", url.Authority, token));

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", $"http://{url.Authority}");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        plot.CloseViewer();
    }

    [Fact]
    public async Task A_viewer_on_every_interface_prints_a_reachable_address_and_needs_its_token()
    {
        using var viewer = ViewerRun.Start("--host", "0.0.0.0");
        var url = await viewer.AddressAsync();
        Assert.NotEqual("127.0.0.1", url.Host);
        Assert.NotEqual("0.0.0.0", url.Host);
        Assert.NotNull(ViewerApi.TokenOf(url));

        // A browser elsewhere sends the printed address as its Host; here it travels through 127.0.0.1.
        using var api = new ViewerApi(url, through: "127.0.0.1");
        Assert.Equal(0, (await api.StatusAsync()).Points);
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync(url, "/api/status", url.Authority, token: null));
        Assert.StartsWith("HTTP/1.1 403", await RawGetAsync(url, "/api/status", $"evil.example:{url.Port}", ViewerApi.TokenOf(url)));
    }

    [Fact]
    public async Task No_token_on_every_interface_refuses_to_start_with_one_clear_line()
    {
        using var viewer = ViewerRun.Start("--host", "0.0.0.0", "--no-token");
        var (code, output, errors) = await viewer.ExitAsync();
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("PlotPipe viewer:", output);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.Contains("--no-token is refused with --host 0.0.0.0", lines[0]);
    }

    [Fact]
    public async Task No_token_on_loopback_serves_without_a_token()
    {
        using var viewer = ViewerRun.Start("--no-token");
        var url = await viewer.AddressAsync();
        Assert.Equal("", url.Query);
        Assert.StartsWith("HTTP/1.1 200", await RawGetAsync(url, "/api/status", url.Authority, token: null));
        Assert.StartsWith("HTTP/1.1 403", await RawGetAsync(url, "/api/status", $"evil.example:{url.Port}", token: null));
    }

    [Fact]
    public async Task The_token_option_sets_the_token_in_the_address_and_the_check()
    {
        const string chosen = "chosen-token-for-this-viewer";
        using var viewer = ViewerRun.Start("--token", chosen);
        var url = await viewer.AddressAsync();
        Assert.Equal(chosen, ViewerApi.TokenOf(url));
        Assert.StartsWith("HTTP/1.1 200", await RawGetAsync(url, "/api/status", url.Authority, chosen));
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync(url, "/api/status", url.Authority, OtherTokenOfSameLength(chosen)));
    }

    [Fact]
    public async Task The_token_can_come_from_PLOTPIPE_TOKEN_and_stay_out_of_the_process_list()
    {
        const string chosen = "token-from-the-environment";
        using var viewer = ViewerRun.Start(new Dictionary<string, string> { ["PLOTPIPE_TOKEN"] = chosen });
        var url = await viewer.AddressAsync();
        Assert.Equal(chosen, ViewerApi.TokenOf(url));
        Assert.DoesNotContain(chosen, File.ReadAllText($"/proc/{viewer.Id}/cmdline"));
        Assert.StartsWith("HTTP/1.1 200", await RawGetAsync(url, "/api/status", url.Authority, chosen));
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync(url, "/api/status", url.Authority, token: null));
    }

    private static string OtherTokenOfSameLength(string token) => new('z', token.Length);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > TimeSpan.FromSeconds(20)) return value;
            await Task.Delay(20);
        }
    }

    // Always connects to 127.0.0.1, whatever address the viewer printed; the Host header says which name it was reached by.
    private static async Task<string> RawGetAsync(Uri url, string target, string host, string? token)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, url.Port);
        var stream = tcp.GetStream();
        var authorization = token is null ? "" : $"Authorization: Bearer {token}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\n{authorization}Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private sealed class ViewerRun : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _errors;

        private ViewerRun(Process process)
        {
            _process = process;
            _errors = process.StandardError.ReadToEndAsync();
        }

        public int Id => _process.Id;

        public static ViewerRun Start(params string[] args) => Start(new Dictionary<string, string>(), args);

        public static ViewerRun Start(Dictionary<string, string> environment, params string[] args)
        {
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--no-browser", "--port", "0" }.Concat(args)) start.ArgumentList.Add(a);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            return new ViewerRun(Process.Start(start)!);
        }

        public async Task<Uri> AddressAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.True(line is not null && line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal), $"no address; stderr: {(_process.HasExited ? await _errors : "")}");
            return new Uri(line["PlotPipe viewer: ".Length..]);
        }

        public async Task<(int Code, string Output, string Errors)> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var output = await _process.StandardOutput.ReadToEndAsync(timeout.Token);
            await _process.WaitForExitAsync(timeout.Token);
            return (_process.ExitCode, output, await _errors);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
