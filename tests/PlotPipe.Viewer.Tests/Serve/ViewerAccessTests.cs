using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>
/// Who may look: the token on every page, asset, API and WebSocket request, the cookie a page trades it for, and the
/// Host names a viewer bound to loopback or to every interface answers to. A viewer bound to 0.0.0.0 is reached
/// here through 127.0.0.1 with the Host header a browser elsewhere would send.
/// </summary>
public sealed class ViewerAccessTests : IAsyncLifetime
{
    private const string Token = "access-test-token-0123456789";
    private readonly PlotStore _store = new();
    private readonly List<ViewerServer> _servers = [];

    public static TheoryData<string> Bindings => new() { "127.0.0.1", "0.0.0.0" };

    private static readonly string[] GuardedPaths = ["/", "/index.html", "/app.js", "/api/series", "/api/status"];

    [Theory]
    [MemberData(nameof(Bindings))]
    public async Task Without_the_token_the_page_an_asset_the_api_and_the_websocket_answer_401(string host)
    {
        var server = await StartAsync(host);
        using var http = Client();
        foreach (var path in GuardedPaths)
        {
            using var response = await http.SendAsync(Get(server, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketStatusAsync(server, null));
    }

    [Fact]
    public async Task A_wrong_token_is_answered_as_not_this_viewers_and_a_missing_one_as_needed()
    {
        var server = await StartAsync("127.0.0.1");
        using var http = Client();
        using var wrongQuery = Get(server, "/?token=an-earlier-viewers-token-0");
        using var wrongBearer = Get(server, "/api/status");
        wrongBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "an-earlier-viewers-token-0");
        using var staleCookie = Get(server, "/");
        staleCookie.Headers.Add("Cookie", $"plotpipe-token-{server.Url.Port}=an-earlier-viewers-token-0");
        foreach (var request in new[] { wrongQuery, wrongBearer, staleCookie })
        {
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("the token given is not this viewer's", await response.Content.ReadAsStringAsync());
        }
        using var none = await http.SendAsync(Get(server, "/"));
        Assert.StartsWith("this viewer needs its token", await none.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Bindings))]
    public async Task With_the_token_as_query_bearer_or_cookie_every_request_is_served(string host)
    {
        var server = await StartAsync(host);
        using var http = Client();
        foreach (var path in GuardedPaths)
        {
            using var bearer = Get(server, path);
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);

            using var cookie = Get(server, path);
            cookie.Headers.Add("Cookie", $"plotpipe-token-{server.Url.Port}={Token}");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(cookie)).StatusCode);
        }
        foreach (var path in new[] { "/api/series", "/api/status" })
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get(server, $"{path}?token={Token}"))).StatusCode);
        var series = await (await http.SendAsync(Get(server, $"/api/series?token={Token}"))).Content.ReadAsStringAsync();
        Assert.Contains("\"signal\"", series);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await SocketStatusAsync(server, $"Bearer {Token}"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await SocketStatusAsync(server, null, $"?token={Token}"));
    }

    [Theory]
    [MemberData(nameof(Bindings))]
    public async Task Opening_the_printed_address_sets_an_HttpOnly_per_port_cookie_and_redirects_to_the_bare_page(string host)
    {
        var server = await StartAsync(host);
        Assert.Equal($"?token={Token}", server.Url.Query);
        using var http = Client();
        using var opened = await http.SendAsync(Get(server, server.Url.PathAndQuery));
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        Assert.Equal("/", opened.Headers.Location!.OriginalString);
        var setCookie = opened.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith($"plotpipe-token-{server.Url.Port}={Token};", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        // What a browser does next: follow the redirect with the cookie; the page and its socket are served.
        using var browser = new HttpClient(new SocketsHttpHandler { UseProxy = false, CookieContainer = new CookieContainer() });
        var page = await browser.GetAsync(new UriBuilder(server.Url) { Host = "127.0.0.1" }.Uri);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/", page.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Contains("PlotPipe", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_page_opened_in_a_frame_keeps_its_token_in_its_address_and_its_assets_pass_by_their_referer()
    {
        var server = await StartAsync("127.0.0.1");
        using var http = Client();
        // A notebook's output cell frames the page from another site: a cookie would never come back, so no redirect.
        var framed = Get(server, $"/?token={Token}");
        framed.Headers.Add("Sec-Fetch-Dest", "iframe");
        using var page = await http.SendAsync(framed);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Set-Cookie"));
        Assert.Contains("PlotPipe", await page.Content.ReadAsStringAsync());

        var self = $"http://127.0.0.1:{server.Url.Port}";
        foreach (var (referer, expected) in new[]
        {
            ($"{self}/?token={Token}", HttpStatusCode.OK),
            ($"{self}/?token=wrong-token-of-some-length-0", HttpStatusCode.Unauthorized),
            ($"{self}/", HttpStatusCode.Unauthorized),
            // Only the viewer's own page: the same token in another site's address lets nothing through.
            ($"http://127.0.0.1:{server.Url.Port + 1}/?token={Token}", HttpStatusCode.Unauthorized),
            ($"http://evil.example/?token={Token}", HttpStatusCode.Unauthorized),
        })
        {
            foreach (var path in new[] { "/app.js", "/api/status" })
            {
                var asset = Get(server, path);
                asset.Headers.Add("Referer", referer);
                using var response = await http.SendAsync(asset);
                Assert.True(expected == response.StatusCode, $"{path} with Referer {referer}: {response.StatusCode}");
            }
        }

        // A module imported by a module names that module as its Referer: a same-origin load of a script or style
        // from the viewer's own pages passes; the page, the API and anything from elsewhere still need the token.
        foreach (var (path, referer, site, expected) in new[]
        {
            ("/socket.js", $"{self}/app.js", "same-origin", HttpStatusCode.OK),
            ("/style.css", $"{self}/", "same-origin", HttpStatusCode.OK),
            ("/socket.js", $"{self}/app.js", "cross-site", HttpStatusCode.Unauthorized),
            ("/socket.js", "http://evil.example/app.js", "same-origin", HttpStatusCode.Unauthorized),
            ("/api/status", $"{self}/app.js", "same-origin", HttpStatusCode.Unauthorized),
            ("/", $"{self}/app.js", "same-origin", HttpStatusCode.Unauthorized),
            ("/index.html", $"{self}/app.js", "same-origin", HttpStatusCode.Unauthorized),
        })
        {
            var load = Get(server, path);
            load.Headers.Add("Referer", referer);
            load.Headers.Add("Sec-Fetch-Site", site);
            using var response = await http.SendAsync(load);
            Assert.True(expected == response.StatusCode, $"{path} from {referer} ({site}): {response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_redirect_after_the_token_never_leaves_the_viewer()
    {
        var server = await StartAsync("127.0.0.1");
        using var http = Client();
        using var response = await http.SendAsync(Get(server, $"//evil.example/?token={Token}"));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_wrong_token_of_the_same_length_is_refused_everywhere()
    {
        var server = await StartAsync("127.0.0.1");
        var wrong = Token[..^1] + (Token[^1] == 'x' ? 'y' : 'x');
        Assert.Equal(Token.Length, wrong.Length);
        using var http = Client();
        using var bearer = Get(server, "/api/status");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(bearer)).StatusCode);
        using var cookie = Get(server, "/");
        cookie.Headers.Add("Cookie", $"plotpipe-token-{server.Url.Port}={wrong}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(cookie)).StatusCode);
        using var query = await http.SendAsync(Get(server, $"/?token={wrong}"));
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.False(query.Headers.Contains("Set-Cookie"));
        // Another viewer's cookie on the same machine (cookies ignore ports) does not open this one.
        using var otherPort = Get(server, "/");
        otherPort.Headers.Add("Cookie", $"plotpipe-token-{server.Url.Port + 1}={Token}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(otherPort)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketStatusAsync(server, $"Bearer {wrong}"));
    }

    [Fact]
    public async Task Bound_to_every_interface_it_prints_a_reachable_address_and_answers_to_the_machines_names_only()
    {
        var server = await StartAsync("0.0.0.0");
        Assert.NotEqual("127.0.0.1", server.Url.Host);
        Assert.NotEqual("0.0.0.0", server.Url.Host);
        int port = server.Url.Port;
        using var http = Client();
        foreach (var name in new[] { server.Url.Authority, $"{Dns.GetHostName()}:{port}", $"127.0.0.1:{port}", $"localhost:{port}" })
        {
            using var request = Get(server, "/api/status", name);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            Assert.True((await http.SendAsync(request)).StatusCode == HttpStatusCode.OK, $"Host {name} was refused");
        }
        foreach (var name in new[] { $"evil.example:{port}", $"{server.Url.Host}:{port + 1}" })
        {
            using var request = Get(server, "/api/status", name);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);
        }
        using var foreignOrigin = Get(server, "/api/status", server.Url.Authority);
        foreignOrigin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        foreignOrigin.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(foreignOrigin)).StatusCode);
        using var ownOrigin = Get(server, "/api/status", server.Url.Authority);
        ownOrigin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        ownOrigin.Headers.Add("Origin", $"http://{server.Url.Authority}");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(ownOrigin)).StatusCode);
    }

    [Fact]
    public async Task Bound_to_loopback_only_the_loopback_names_are_accepted()
    {
        var server = await StartAsync("127.0.0.1");
        using var http = Client();
        using var request = Get(server, "/api/status", $"{Dns.GetHostName()}:{server.Url.Port}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_allowed_host_is_accepted_on_any_port_and_from_an_https_page()
    {
        var server = await StartAsync("0.0.0.0", ViewerAccess.WithToken(Token, ["plots.lab.example"]));
        using var http = Client();
        foreach (var (host, origin) in new[] { ("plots.lab.example", "https://plots.lab.example"), ("plots.lab.example:8443", "https://plots.lab.example:8443") })
        {
            using var request = Get(server, "/api/status", host);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            request.Headers.Add("Origin", origin);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
        using var other = Get(server, "/api/status", "other.lab.example");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task An_open_viewer_serves_without_a_token_on_loopback()
    {
        var server = await StartAsync("127.0.0.1", ViewerAccess.Open());
        Assert.Null(server.Token);
        Assert.Equal("", server.Url.Query);
        using var http = Client();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get(server, "/api/status"))).StatusCode);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await SocketStatusAsync(server, null));
        // The Host check still holds.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Get(server, "/api/status", $"evil.example:{server.Url.Port}"))).StatusCode);
    }

    [Fact]
    public async Task An_open_viewer_refuses_to_start_on_a_non_loopback_address()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ViewerServer.StartAsync("0.0.0.0", 0, ViewerAccess.Open(), _store, new ViewerStatus(_store), CancellationToken.None));
        Assert.Contains("--no-token", e.Message);
        Assert.Contains("0.0.0.0", e.Message);
    }

    [Fact]
    public void Fresh_tokens_are_long_random_and_url_safe()
    {
        var a = ViewerAccess.NewToken();
        var b = ViewerAccess.NewToken();
        Assert.NotEqual(a, b);
        // 128 bits need at least 22 base64 characters.
        Assert.True(a.Length >= 22, a);
        Assert.Equal(Uri.EscapeDataString(a), a);
        Assert.NotEqual(a, ViewerAccess.WithToken().Token);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has a space in it, long enough")]
    [InlineData("semicolon;breaks;the;cookie;header")]
    public void A_token_that_is_short_or_not_url_safe_is_refused(string token)
    {
        var e = Assert.Throws<ArgumentException>(() => ViewerAccess.WithToken(token));
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    private async Task<ViewerServer> StartAsync(string host, ViewerAccess? access = null)
    {
        if (_store.Series.Count == 0)
        {
            _store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-")).Append([1.0, 2.0], [3.0, 4.0]);
            _store.Touch();
        }
        var server = await ViewerServer.StartAsync(host, 0, access ?? ViewerAccess.WithToken(Token), _store, new ViewerStatus(_store), CancellationToken.None);
        _servers.Add(server);
        return server;
    }

    // No redirects or cookie jar: each test sees exactly what the viewer answered.
    private static HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    // Always through 127.0.0.1 (never another address of this machine), with the Host a browser would send.
    private static HttpRequestMessage Get(ViewerServer server, string pathAndQuery, string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{server.Url.Port}{pathAndQuery}");
        request.Headers.Host = host ?? server.Url.Authority;
        return request;
    }

    private static async Task<HttpStatusCode> SocketStatusAsync(ViewerServer server, string? authorization, string query = "")
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{server.Url.Port}");
        if (authorization is not null) socket.Options.SetRequestHeader("Authorization", authorization);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Url.Port}/ws{query}"), timeout.Token);
        }
        catch (WebSocketException)
        {
            // Refused: the status code says why.
        }
        return socket.HttpStatusCode;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _servers) await s.DisposeAsync();
    }
}
