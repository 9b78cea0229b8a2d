using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using PlotPipe.Protocol;

namespace PlotPipe.Transport;

/// <summary>
/// A viewer that listens for producers over TCP: connects with backoff, and reads the socket's other direction,
/// where a viewer says nothing unless it refuses the producer (one line, then it closes). The writer owns the
/// sending side; this only tells it when the connection is gone and why.
/// </summary>
internal sealed class TcpViewer
{
    private const int MaxReasonBytes = 1024;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly string _host;
    private readonly int _port;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action _wake;
    private Socket? _socket;
    private Task _reader = Task.CompletedTask;
    private volatile bool _down = true;
    // Whether a connection has dropped before (only its reader, one at a time, reads and sets it).
    private bool _droppedBefore;
    private volatile string? _refusal;
    private int _connections;

    private TcpViewer(string host, int port, ILogger logger, Action wake)
    {
        _host = host;
        _port = port;
        _logger = logger;
        _wake = wake;
        Address = $"tcp://{(host.Contains(':') ? "[" + host + "]" : host)}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The viewer's address, as tcp://host:port.</summary>
    public string Address { get; }

    /// <summary>Whether a connection is up and its other side has not closed.</summary>
    public bool IsConnected => !_down;

    /// <summary>Whether the current connection is gone (its other side closed, or it was never made).</summary>
    public bool IsDown => _down;

    /// <summary>Reads a tcp://host:port address; throws <see cref="ArgumentException"/> naming it when it is not one.</summary>
    public static TcpViewer Create(string address, ILogger logger, Action wake)
    {
        ArgumentNullException.ThrowIfNull(address);
        const string scheme = "tcp://";
        if (!address.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw Bad(address, "is not a tcp:// address (as in tcp://127.0.0.1:5000)");
        string rest = address[scheme.Length..].TrimEnd('/');
        int colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']'))
            throw Bad(address, "has no port (as in tcp://127.0.0.1:5000)");
        string host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0 || host.Contains('/') || host.Contains('@'))
            throw Bad(address, "has no host name or address before its port");
        string portText = rest[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw Bad(address, $"has port \"{PlotArgumentException.Quote(portText)}\"; a port is 1 to 65535");
        return new TcpViewer(host, port, logger, wake);
    }

    /// <summary>Connects, retrying with backoff (100 ms doubling to 5 s, with jitter) until it succeeds or is cancelled.</summary>
    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var wait = FirstBackoff;
        bool warned = false;
        while (true)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(_host, _port, both.Token).ConfigureAwait(false);
                return Opened(socket);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (!warned)
                {
                    warned = true;
                    _logger.LogWarning("PlotPipe: cannot reach the viewer at {Address} ({Reason}); retrying", Address, e.Message);
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            // Jitter keeps many producers of one restarted viewer from knocking at the same instant.
            await Task.Delay(wait * (0.75 + 0.5 * Random.Shared.NextDouble()), both.Token).ConfigureAwait(false);
            wait = wait * 2 < MaxBackoff ? wait * 2 : MaxBackoff;
        }
    }

    /// <summary>Writer side: a new connection after the last one went down; null once <see cref="Stop"/> was called.</summary>
    public Stream? Reconnect()
    {
        try
        {
            return ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writer side, after a write failed or the other side closed: the viewer's refusal line, waiting up to
    /// <paramref name="wait"/> for it to arrive; null when the connection merely dropped.
    /// </summary>
    public string? Refusal(TimeSpan wait)
    {
        Task.WhenAny(_reader, Task.Delay(wait)).GetAwaiter().GetResult();
        return _refusal;
    }

    /// <summary>Writer side, when the stream ends: no more reconnecting, and the socket's close is not a drop.</summary>
    public void Closing() => _stop.Cancel();

    /// <summary>Gives up: stops any reconnecting and closes the socket, so a writer blocked on it returns.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _down = true;
        Volatile.Read(ref _socket)?.Dispose();
    }

    private NetworkStream Opened(Socket socket)
    {
        Volatile.Write(ref _socket, socket);
        if (_stop.IsCancellationRequested) socket.Dispose();
        _down = false;
        if (Interlocked.Increment(ref _connections) > 1)
            _logger.LogInformation("PlotPipe: reconnected to the viewer at {Address}", Address);
        _reader = Task.Run(() => ReadAsync(socket));
        return new NetworkStream(socket, ownsSocket: true);
    }

    // A viewer sends nothing back but a refusal; end of stream, or an error, means the connection is gone.
    private async Task ReadAsync(Socket socket)
    {
        var received = new byte[MaxReasonBytes];
        int used = 0;
        try
        {
            while (used < received.Length)
            {
                int n = await socket.ReceiveAsync(received.AsMemory(used), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                used += n;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Gone; what arrived before is kept.
        }
        // The connection is over: close our end as well, so a writer blocked in a send on it returns now. The wake
        // below reaches the writer only between writes, and a send can wait on a peer that has closed for a minute or
        // more (a peer that closed while its receive window was shut keeps it shut until the system forgets it) or
        // for ever (a peer that shut only its sending side and stopped reading). What arrived is already read.
        socket.Dispose();
        // A reader of a connection already replaced has nothing to say about the new one.
        if (!ReferenceEquals(Volatile.Read(ref _socket), socket)) return;
        string said = Encoding.UTF8.GetString(received, 0, used);
        int end = said.IndexOf('\n');
        string line = (end < 0 ? said : said[..end]).TrimEnd('\r');
        if (line.StartsWith(ProducerRefusal.Prefix, StringComparison.Ordinal)) _refusal = line;
        // A web server (most often the viewer's own page, whose address is printed beside the producers') answers
        // the handshake with an HTTP error and closes; knocking again would only get the same answer.
        else if (line.StartsWith("HTTP/", StringComparison.Ordinal))
            _refusal = $"{Address} answered \"{line}\": it is a web server, such as a viewer's page, not a viewer taking producers; " +
                "connect to the address a viewer started with --listen prints as \"PlotPipe producers: tcp://HOST:PORT\"";
        if (!_down && _refusal is null && !_stop.IsCancellationRequested)
        {
            // The first drop is a warning; on a flaky link the later ones are information, as each reconnection is,
            // so the program's log is not filled with the same warning.
            _logger.Log(_droppedBefore ? LogLevel.Information : LogLevel.Warning,
                "PlotPipe: the connection to the viewer at {Address} dropped; reconnecting, points meanwhile follow WhenFull", Address);
            _droppedBefore = true;
        }
        _down = true;
        _wake();
    }

    private static PlotArgumentException Bad(string address, string why) =>
        new($"address \"{PlotArgumentException.Quote(address)}\" {why}", "address");
}
