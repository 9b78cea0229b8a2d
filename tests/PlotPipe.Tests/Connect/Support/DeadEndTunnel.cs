using System.Net;
using System.Net.Sockets;

namespace PlotPipe.Tests.Connect.Support;

/// <summary>
/// A listener on 127.0.0.1 that accepts every connection and closes it without reading a byte, as <c>ssh -L</c> does
/// when the viewer at its far end is down: it accepts locally, then closes once its own connection to the far end
/// failed, <see cref="Hold"/> later. Counts the connections it took.
/// </summary>
public sealed class DeadEndTunnel : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _accepting;
    private int _accepted;

    /// <summary>Listens on <paramref name="port"/> of 127.0.0.1, closing each connection <paramref name="hold"/> after taking it.</summary>
    public DeadEndTunnel(int port, TimeSpan hold)
    {
        Hold = hold;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>How long a connection stays open before it is closed (a far end's round trip and refusal).</summary>
    public TimeSpan Hold { get; }

    /// <summary>tcp://127.0.0.1:PORT.</summary>
    public string Address => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections taken so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = CloseAsync(socket);
        }
    }

    private async Task CloseAsync(Socket socket)
    {
        if (Hold > TimeSpan.Zero) await Task.Delay(Hold);
        socket.Dispose();
    }

    /// <summary>Stops listening, so the port is free for a viewer.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
    }
}
