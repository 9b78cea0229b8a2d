using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace PlotPipe.PageBench;

/// <summary>
/// Records a Chromium performance trace of one page over the DevTools protocol (the page's tasks, scripts, garbage
/// collections, paint and raster), written as a trace file that chrome://tracing and Perfetto open.
/// </summary>
internal sealed class TraceRecorder
{
    private static readonly string[] Categories =
    [
        "devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-devtools.timeline.frame",
        "v8.execute", "disabled-by-default-v8.gc", "blink.user_timing", "toplevel", "cc",
    ];

    private readonly ICDPSession _cdp;
    private readonly TaskCompletionSource<string> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TraceRecorder(ICDPSession cdp)
    {
        _cdp = cdp;
        _cdp.Event("Tracing.tracingComplete").OnEvent += (_, e) =>
            _stream.TrySetResult(e is { } v && v.TryGetProperty("stream", out var s) ? s.GetString() ?? "" : "");
    }

    public static async Task<TraceRecorder> StartAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var recorder = new TraceRecorder(cdp);
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["transferMode"] = "ReturnAsStream",
            ["traceConfig"] = new Dictionary<string, object> { ["includedCategories"] = Categories, ["recordMode"] = "recordContinuously" },
        });
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 250 });
        await cdp.SendAsync("Profiler.start");
        return recorder;
    }

    public async Task StopAsync(string path)
    {
        var profile = await _cdp.SendAsync("Profiler.stop");
        if (profile is { } p) await File.WriteAllTextAsync(path + ".cpuprofile", p.GetProperty("profile").GetRawText());
        await _cdp.SendAsync("Tracing.end");
        string handle = await _stream.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await using var file = File.Create(path);
        while (true)
        {
            var chunk = await _cdp.SendAsync("IO.read", new Dictionary<string, object> { ["handle"] = handle, ["size"] = 1 << 20 });
            if (chunk is not { } c) break;
            string data = c.GetProperty("data").GetString() ?? "";
            byte[] bytes = c.TryGetProperty("base64Encoded", out var b) && b.GetBoolean() ? Convert.FromBase64String(data) : Encoding.UTF8.GetBytes(data);
            await file.WriteAsync(bytes);
            if (c.TryGetProperty("eof", out var eof) && eof.GetBoolean()) break;
        }
        await _cdp.SendAsync("IO.close", new Dictionary<string, object> { ["handle"] = handle });
        await _cdp.DetachAsync();
    }
}
