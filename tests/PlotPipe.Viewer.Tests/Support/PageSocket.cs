using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>A raw WebSocket client speaking the page protocol to a viewer, as the page does: requests out, meta and views in.</summary>
public sealed class PageSocket : IDisposable
{
    private readonly ClientWebSocket _socket;

    private PageSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>Opens <c>/ws</c> of the viewer at <paramref name="url"/> with its own Origin and the token as a Bearer header.</summary>
    public static async Task<PageSocket> ConnectAsync(Uri url, string? token)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{url.Port}");
        if (token is not null) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{url.Port}/ws"), timeout.Token);
        return new PageSocket(socket);
    }

    /// <summary>Sends one text message.</summary>
    public Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message, whole.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var r = await _socket.ReceiveAsync(buffer, timeout.Token);
            all.Write(buffer, 0, r.Count);
            if (r.EndOfMessage || r.MessageType == WebSocketMessageType.Close) return (r.MessageType, all.ToArray());
        }
    }

    /// <summary>The next meta message, skipping views.</summary>
    public async Task<JsonElement> ReceiveMetaAsync()
    {
        while (true)
        {
            var (type, bytes) = await ReceiveAsync();
            if (type == WebSocketMessageType.Text) return JsonDocument.Parse(bytes).RootElement.Clone();
        }
    }

    /// <summary>The next answer mark (a request's number coming back), skipping views and other text messages.</summary>
    public async Task<JsonElement> ReceiveAnswerAsync()
    {
        while (true)
        {
            var (type, bytes) = await ReceiveAsync();
            if (type != WebSocketMessageType.Text) continue;
            var message = JsonDocument.Parse(bytes).RootElement;
            if (message.GetProperty("type").GetString() == "answer") return message.Clone();
        }
    }

    /// <summary>The next view, decoded, skipping meta.</summary>
    public async Task<DecodedView> ReceiveViewAsync()
    {
        while (true)
        {
            var (type, bytes) = await ReceiveAsync();
            if (type == WebSocketMessageType.Binary) return DecodedView.Decode(bytes);
        }
    }

    /// <summary>Views until one satisfies <paramref name="done"/>, within 10 seconds.</summary>
    public async Task<DecodedView> ReceiveViewUntilAsync(Func<DecodedView, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var view = await ReceiveViewAsync();
            if (done(view)) return view;
            Assert.True(DateTime.UtcNow < deadline, "no view with the expected shape arrived in time");
        }
    }

    /// <summary>Reads until the viewer closes the socket; returns its close status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync()
    {
        while (true)
        {
            var (type, _) = await ReceiveAsync();
            if (type == WebSocketMessageType.Close) return (_socket.CloseStatus, _socket.CloseStatusDescription);
        }
    }

    /// <summary>Closes the socket at once.</summary>
    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
    }
}
