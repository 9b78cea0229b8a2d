using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace PlotPipe.PageBench;

/// <summary>
/// The viewer's side alone: a plain WebSocket client asks for the page's follow view and counts the views that
/// come back, so the page's figures can be told apart from what the viewer can deliver.
/// </summary>
internal static class SocketProbe
{
    public static async Task<PageBenchResult.SocketPhase> RunAsync(Uri url, Streamer streamer, double followSpan, int widthPx, int heightPx, double seconds)
    {
        using var ws = new ClientWebSocket();
        // The viewer accepts only its own origin.
        ws.Options.SetRequestHeader("Origin", $"{url.Scheme}://{url.Authority}");
        // ...and only requests with its token, which the printed address carries as ?token=.
        await ws.ConnectAsync(new Uri($"ws://{url.Authority}/ws{url.Query}"), CancellationToken.None);
        string request = FormattableString.Invariant($"{{\"type\":\"view\",\"x\":null,\"y\":null,\"follow\":{followSpan},\"width\":{widthPx},\"height\":{heightPx}}}");
        await ws.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, CancellationToken.None);

        var buffer = new byte[1 << 20];
        var intervals = new List<double>();
        var lags = new List<double>();
        long views = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        double lastAt = double.NaN;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            int used = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                if (used == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                r = await ws.ReceiveAsync(buffer.AsMemory(used), CancellationToken.None);
                used += r.Count;
            }
            while (!r.EndOfMessage);
            // A view (tag 2) holds at least one panel header: tag, panel count, then id, series count and four ranges.
            if (r.MessageType != WebSocketMessageType.Binary || used < 48) continue;
            double now = clock.Elapsed.TotalMilliseconds;
            views++;
            bytes += used;
            if (!double.IsNaN(lastAt)) intervals.Add(now - lastAt);
            lastAt = now;
            // x counts seconds of streaming: the first panel's right edge against the newest x added is its lag.
            double xMax = BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(24));
            lags.Add((streamer.NewestX - xMax) * 1000);
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return new PageBenchResult.SocketPhase
        {
            Seconds = elapsed,
            ViewsPerSecond = views / elapsed,
            MegabytesPerSecond = bytes / elapsed / 1e6,
            BytesPerView = views > 0 ? bytes / views : 0,
            IntervalMs = Stats.Of(intervals),
            LagMs = Stats.Of(lags),
        };
    }
}
