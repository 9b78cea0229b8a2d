using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace PlotPipe.Tests.Support;

/// <summary>Reads a running viewer's JSON API and waits for conditions on it.</summary>
public sealed class ViewerApi : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Talks to the viewer at <paramref name="url"/> (as printed, with its token); <paramref name="through"/> connects elsewhere, e.g. 127.0.0.1 for a viewer printed with its LAN address.</summary>
    public ViewerApi(Uri url, string? through = null)
    {
        var target = through is null ? url : new UriBuilder(url) { Host = through }.Uri;
        _http = new HttpClient { BaseAddress = new Uri(target.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(10) };
        if (TokenOf(url) is { } token) _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        // The Host the viewer is reached by stays the printed one, as a browser elsewhere would send it.
        if (through is not null) _http.DefaultRequestHeaders.Host = url.Authority;
    }

    /// <summary>The token in a printed viewer address (<c>?token=...</c>), or null for an open viewer.</summary>
    public static string? TokenOf(Uri url)
    {
        foreach (var part in url.Query.TrimStart('?').Split('&'))
        {
            if (part.StartsWith("token=", StringComparison.Ordinal)) return Uri.UnescapeDataString(part["token=".Length..]);
        }
        return null;
    }

    public record SeriesRow(string Name, string Format, long Count, string Kind, string Color);

    public record StatusRow(string State, long Points, long Dropped, double PointsPerSecond, long Evicted, long OutOfOrder, string? Error,
        long HeldBytes = 0, long MaxMemoryBytes = 0);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<List<SeriesRow>> SeriesAsync() => (await _http.GetFromJsonAsync<List<SeriesRow>>("api/series", Json))!;

    /// <summary>Any API path's JSON, e.g. "api/producers".</summary>
    public async Task<JsonElement> JsonAsync(string path) => await _http.GetFromJsonAsync<JsonElement>(path, Json);

    public async Task<StatusRow> StatusAsync() => (await _http.GetFromJsonAsync<StatusRow>("api/status", Json))!;

    /// <summary>Polls the status until <paramref name="done"/> holds; fails with the last status after <paramref name="timeout"/>.</summary>
    public async Task<StatusRow> WaitForStatusAsync(Func<StatusRow, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = await StatusAsync();
            if (done(status)) return status;
            if (clock.Elapsed > limit) throw new TimeoutException($"viewer status never matched; last: {status}");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _http.Dispose();
}
