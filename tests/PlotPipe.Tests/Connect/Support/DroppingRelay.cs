using System.Net;
using System.Net.Sockets;

namespace PlotPipe.Tests.Connect.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 between producers and a real viewer, copying bytes both ways, that can drop the
/// connection it carries (both sides at once) as a flaky network would; a producer that connects again gets a new
/// connection to the viewer.
/// </summary>
public sealed class DroppingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly object _gate = new();
    private (TcpClient Producer, TcpClient Viewer)? _current;
    private int _carried;

    /// <summary>Relays to the viewer at <paramref name="viewerAddress"/> (tcp://host:port).</summary>
    public DroppingRelay(string viewerAddress)
    {
        var target = new Uri(viewerAddress);
        _host = target.Host;
        _port = target.Port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where producers connect: tcp://127.0.0.1:PORT.</summary>
    public string Address => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections carried so far (each joined to the viewer).</summary>
    public int Carried => Volatile.Read(ref _carried);

    /// <summary>Closes both sides of the connection it carries now.</summary>
    public void Drop()
    {
        lock (_gate)
        {
            if (_current is not { } pair) return;
            pair.Producer.Dispose();
            pair.Viewer.Dispose();
            _current = null;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient producer;
            try
            {
                producer = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var viewer = new TcpClient { NoDelay = true };
            await viewer.ConnectAsync(_host, _port, _stop.Token);
            producer.NoDelay = true;
            lock (_gate) _current = (producer, viewer);
            _ = CopyAsync(producer, viewer);
            _ = CopyAsync(viewer, producer);
            Interlocked.Increment(ref _carried);
        }
    }

    // Until either side ends; then the other is closed too, as a broken connection would leave it.
    private static async Task CopyAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
        }
        to.Dispose();
        from.Dispose();
    }

    /// <summary>Stops accepting and drops what it carries.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Drop();
        _stop.Dispose();
    }
}
