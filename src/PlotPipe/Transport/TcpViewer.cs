using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using PlotPipe.Protocol;

namespace PlotPipe.Transport;

/// <summary>
/// A viewer that listens for producers over TCP: connects with backoff, and reads the socket's other direction, where a
/// viewer writes one empty line once it has taken the producer, and otherwise nothing unless it refuses the producer or
/// ends its stream (one line, then it closes). The writer owns the sending side; this only tells it when the connection
/// is gone and why. Each connection has a reader of its own, which can end that connection alone.
/// </summary>
internal sealed class TcpViewer
{
    private const int MaxReasonBytes = 1024;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    // An older viewer never says it took the stream: a connection to one that lasted this long counts as a live stream
    // all the same. As long as the longest wait, so that nothing that accepts and then closes, however slowly, makes the
    // producer knock more often than the backoff does.
    private static readonly TimeSpan LiveWithoutAcceptance = MaxBackoff;
    private readonly string _host;
    private readonly int _port;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action _wake;
    private Connection? _current;
    private volatile bool _stopped;
    private int _connections;
    // Connecting side (the first connect, then the writer alone): the wait before the next try after a failed one, and
    // whether this outage's first failure was logged.
    private TimeSpan _backoff = FirstBackoff;
    private bool _warned;
    // Reader side (only the current connection's reader logs): whether a live connection dropped before, and whether
    // the run of connections that reached no viewer going on now was logged.
    private bool _droppedBefore;
    private bool _unansweredLogged;

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
    public bool IsConnected => !IsDown;

    /// <summary>Whether the viewer has said it took the current connection (its acceptance line was read).</summary>
    public bool IsAccepted => Volatile.Read(ref _current) is { IsAccepted: true, IsDown: false };

    /// <summary>Whether the current connection is gone (its other side closed, or it was never made).</summary>
    public bool IsDown => _stopped || Volatile.Read(ref _current) is not { IsDown: false };

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

    /// <summary>
    /// Connects, retrying with backoff (100 ms doubling to 5 s, with jitter) until it succeeds or is cancelled. After a
    /// connection that carried the stream the first try is at once; one that reached no viewer counts as a failed try,
    /// so the backoff goes on from where it was.
    /// </summary>
    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        bool unanswered = Volatile.Read(ref _current) is { CarriedStream: false };
        if (!unanswered)
        {
            _backoff = FirstBackoff;
            _warned = false;
        }
        bool wait = unanswered;
        while (true)
        {
            if (wait)
            {
                // Jitter keeps many producers of one restarted viewer from knocking at the same instant.
                await Task.Delay(_backoff * (0.75 + 0.5 * Random.Shared.NextDouble()), both.Token).ConfigureAwait(false);
                _backoff = _backoff * 2 < MaxBackoff ? _backoff * 2 : MaxBackoff;
            }
            wait = true;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(_host, _port, both.Token).ConfigureAwait(false);
                return Opened(socket, unanswered);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (!_warned)
                {
                    _warned = true;
                    _logger.LogWarning("PlotPipe: cannot reach the viewer at {Address} ({Reason}); retrying", Address, e.Message);
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }
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
        if (Volatile.Read(ref _current) is not { } connection) return null;
        Task.WhenAny(connection.Reader, Task.Delay(wait)).GetAwaiter().GetResult();
        return connection.Refusal;
    }

    /// <summary>Writer side, when the stream ends: no more reconnecting, and the socket's close is not a drop.</summary>
    public void Closing() => _stop.Cancel();

    /// <summary>Gives up: stops any reconnecting and closes the socket, so a writer blocked on it returns.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _stopped = true;
        Volatile.Read(ref _current)?.Socket.Dispose();
    }

    private NetworkStream Opened(Socket socket, bool afterUnanswered)
    {
        var connection = new Connection(socket, afterUnanswered);
        Volatile.Write(ref _current, connection);
        if (_stop.IsCancellationRequested) socket.Dispose();
        // After connections that reached no viewer, this one is said to be the viewer only once the viewer says so.
        if (Interlocked.Increment(ref _connections) > 1)
            _logger.Log(afterUnanswered ? LogLevel.Debug : LogLevel.Information, "PlotPipe: reconnected to the viewer at {Address}", Address);
        connection.Reader = Task.Run(() => ReadAsync(connection));
        return new NetworkStream(socket, ownsSocket: true);
    }

    // A viewer sends back its acceptance and, later, at most a refusal or why it ended the stream; end of stream, or an
    // error, means the connection is gone. Everything this learns goes on its own connection, never on a newer one.
    private async Task ReadAsync(Connection connection)
    {
        var socket = connection.Socket;
        var received = new byte[MaxReasonBytes];
        int used = 0;
        try
        {
            while (used < received.Length)
            {
                int n = await socket.ReceiveAsync(received.AsMemory(used), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                // Known as it arrives, so the connection counts as a live stream however soon it ends.
                if (used == 0 && received[0] == ProducerAcceptance.Line) Accepted(connection);
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
        connection.End();
        int from = connection.IsAccepted ? 1 : 0;
        string said = Encoding.UTF8.GetString(received, from, used - from);
        int end = said.IndexOf('\n');
        string line = (end < 0 ? said : said[..end]).TrimEnd('\r');
        if (line.StartsWith(ProducerRefusal.Prefix, StringComparison.Ordinal)) connection.Refusal = line;
        // A web server (most often the viewer's own page, whose address is printed beside the producers') answers
        // the handshake with an HTTP error and closes; knocking again would only get the same answer.
        else if (line.StartsWith("HTTP/", StringComparison.Ordinal))
            connection.Refusal = $"{Address} answered \"{line}\": it is a web server, such as a viewer's page, not a viewer taking producers; " +
                "connect to the address a viewer started with --listen prints as \"PlotPipe producers: tcp://HOST:PORT\"";
        // A reader of a connection already replaced has nothing to say about the new one.
        if (ReferenceEquals(Volatile.Read(ref _current), connection) && !_stopped && connection.Refusal is null && !_stop.IsCancellationRequested)
            LogEnd(connection);
        connection.MarkDown();
        _wake();
    }

    private void Accepted(Connection connection)
    {
        connection.Accept();
        if (connection.AfterUnanswered && ReferenceEquals(Volatile.Read(ref _current), connection))
            _logger.LogInformation("PlotPipe: reconnected to the viewer at {Address}", Address);
    }

    private void LogEnd(Connection connection)
    {
        if (connection.CarriedStream)
        {
            // The first drop is a warning; on a flaky link the later ones are information, as each reconnection is,
            // so the program's log is not filled with the same warning.
            _logger.Log(_droppedBefore ? LogLevel.Information : LogLevel.Warning,
                "PlotPipe: the connection to the viewer at {Address} dropped; reconnecting, points meanwhile follow WhenFull", Address);
            _droppedBefore = true;
            _unansweredLogged = false;
            return;
        }
        // Said once a run: the backoff makes such a run slow, but it lasts as long as the far side is down.
        _logger.Log(_unansweredLogged ? LogLevel.Debug : LogLevel.Warning,
            "PlotPipe: the connection to {Address} ended {Milliseconds} ms after it was made, before a viewer took the stream " +
            "(as through a tunnel whose far end is down); connecting again with backoff, points meanwhile follow WhenFull",
            Address, (long)connection.Lifetime.TotalMilliseconds);
        _unansweredLogged = true;
    }

    private static PlotArgumentException Bad(string address, string why) =>
        new($"address \"{PlotArgumentException.Quote(address)}\" {why}", "address");

    // One connection: its socket and what its reader learnt of it. Only that reader ends it, so a reader that finishes
    // late cannot take down a connection made after its own.
    private sealed class Connection(Socket socket, bool afterUnanswered)
    {
        private readonly long _opened = Stopwatch.GetTimestamp();
        private long _ended;
        private volatile bool _accepted;
        private volatile bool _down;
        private volatile string? _refusal;

        public Socket Socket { get; } = socket;

        // Whether the connections just before this one reached no viewer.
        public bool AfterUnanswered { get; } = afterUnanswered;

        public Task Reader { get; set; } = Task.CompletedTask;

        public bool IsAccepted => _accepted;

        public bool IsDown => _down;

        public string? Refusal
        {
            get => _refusal;
            set => _refusal = value;
        }

        // How long it has been up, or was up once it ended.
        public TimeSpan Lifetime => Stopwatch.GetElapsedTime(_opened, Volatile.Read(ref _ended) is var ended and not 0 ? ended : Stopwatch.GetTimestamp());

        // A viewer took it: it said so, or (an older viewer, which says nothing) it lasted as a live stream does.
        public bool CarriedStream => _accepted || Lifetime >= LiveWithoutAcceptance;

        public void Accept() => _accepted = true;

        public void End() => Volatile.Write(ref _ended, Stopwatch.GetTimestamp());

        public void MarkDown() => _down = true;
    }
}
