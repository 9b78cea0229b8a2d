using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace PlotPipe.Cli.Bench;

/// <summary>The harness's view of a running viewer: its JSON API over one keep-alive connection.</summary>
internal sealed class ViewerClient : IDisposable
{
    private readonly HttpClient _http;

    public ViewerClient(Uri url)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseProxy = false };
        _http = new HttpClient(handler) { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(30), DefaultRequestVersion = HttpVersion.Version11 };
        // The viewer serves only requests that carry the token of its printed address.
        if (TokenOf(url) is { } token) _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    /// <summary>Points held by the series named <paramref name="name"/> (-1 if it is not there yet).</summary>
    public long Count(string name)
    {
        foreach (var (n, c) in Counts()) if (n == name) return c;
        return -1;
    }

    /// <summary>Every series' name and point count, from <c>GET /api/series</c>.</summary>
    public List<(string Name, long Count)> Counts()
    {
        using var doc = Get("api/series");
        var rows = new List<(string, long)>();
        foreach (var row in doc.RootElement.EnumerateArray())
            rows.Add((row.GetProperty("name").GetString()!, row.GetProperty("count").GetInt64()));
        return rows;
    }

    /// <summary>Every producer's name, state and points held, from <c>GET /api/producers</c>.</summary>
    public List<(string Name, string State, long Points)> Producers()
    {
        using var doc = Get("api/producers");
        var rows = new List<(string, string, long)>();
        foreach (var row in doc.RootElement.EnumerateArray())
            rows.Add((row.GetProperty("name").GetString()!, row.GetProperty("state").GetString()!, row.GetProperty("points").GetInt64()));
        return rows;
    }

    /// <summary>The viewer's own dropped total, points held, state and points evicted, from <c>GET /api/status</c>.</summary>
    public (long Dropped, long Points, string State, long Evicted) Status()
    {
        using var doc = Get("api/status");
        var r = doc.RootElement;
        return (r.GetProperty("dropped").GetInt64(), r.GetProperty("points").GetInt64(), r.GetProperty("state").GetString()!, r.GetProperty("evicted").GetInt64());
    }

    /// <summary>Polls until every named series holds its expected count; returns when that was first seen, or null on timeout.</summary>
    public long? WaitForCounts(IReadOnlyDictionary<string, long> expected, TimeSpan timeout, out List<(string Name, long Count)> last)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            last = Counts();
            long now = Stopwatch.GetTimestamp();
            int matched = 0;
            foreach (var (name, count) in last)
                if (expected.TryGetValue(name, out var want) && want == count) matched++;
            if (matched == expected.Count) return now;
            if (now > deadline) return null;
            Thread.Sleep(0);
        }
    }

    private static string? TokenOf(Uri url)
    {
        foreach (var part in url.Query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("token=", StringComparison.Ordinal)) return Uri.UnescapeDataString(part["token=".Length..]);
        }
        return null;
    }

    /// <summary>The recording's points written and points lost (<c>--record</c>), from /api/status.</summary>
    public (long Points, long Lost, long Bytes) Recording()
    {
        using var doc = Get("api/status");
        var r = doc.RootElement.GetProperty("recording");
        return (r.GetProperty("points").GetInt64(), r.GetProperty("lost").GetInt64(), r.GetProperty("bytes").GetInt64());
    }

    /// <summary>The <c>--alert</c> rules the viewer reads and how many times they fired, from /api/status (0, 0 without rules).</summary>
    public (int Rules, long Fired) Alerts()
    {
        using var doc = Get("api/status");
        var a = doc.RootElement.GetProperty("alerts");
        return a.ValueKind == JsonValueKind.Null ? (0, 0) : (a.GetProperty("rules").GetArrayLength(), a.GetProperty("fired").GetInt64());
    }

    private JsonDocument Get(string path)
    {
        using var response = _http.GetAsync(path).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        using var body = response.Content.ReadAsStream();
        return JsonDocument.Parse(body);
    }

    public void Dispose() => _http.Dispose();
}
