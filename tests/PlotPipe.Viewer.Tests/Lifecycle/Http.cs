using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Lifecycle;

/// <summary>Reads a real viewer's JSON API and waits, with a deadline, for what a test needs to see.</summary>
internal static class Http
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>GET <paramref name="path"/> (e.g. "api/status") from the viewer, as parsed JSON.</summary>
    public static async Task<JsonElement> GetJsonAsync(ViewerProcess viewer, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(viewer.Url, path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer.Token);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits until the viewer holds <paramref name="points"/> points.</summary>
    public static Task WaitForPointsAsync(ViewerProcess viewer, long points) =>
        WaitForAsync(async () => (await GetJsonAsync(viewer, "api/status")).GetProperty("points").GetInt64() >= points, $"{points} points held");

    /// <summary>Waits until the viewer's stream is in <paramref name="state"/> (streaming, finished, disconnected).</summary>
    public static Task WaitForStateAsync(ViewerProcess viewer, string state) =>
        WaitForAsync(async () => (await GetJsonAsync(viewer, "api/status")).GetProperty("state").GetString() == state, $"state {state}");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after 20 s.</summary>
    public static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after 20 s.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"waited 20 s for {what}");
            await Task.Delay(20);
        }
    }
}
