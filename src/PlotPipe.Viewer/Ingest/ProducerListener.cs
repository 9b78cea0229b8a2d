using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Takes the binary protocol over TCP from many producers at once (<c>--listen</c>). Each connection must open with
/// a version 2 handshake and Hello within <see cref="HelloTimeout"/>, carrying the viewer's token unless it has
/// none; otherwise it is refused before any point is read: one line back on the socket, one line on standard
/// error, a count in /api/status, nothing stored. At most <see cref="MaxWaitingForHello"/> connections wait for
/// their Hello at once; one more is refused at once. An accepted connection is told so (one empty line) and is a
/// producer of its own, read by its own <see cref="FrameIngest"/>, counted as connected until it closes; whatever
/// happens to it (a fatal protocol error, death mid-frame) closes it alone. One that sends nothing for the idle
/// timeout shows as stalled.
/// </summary>
internal sealed class ProducerListener : IAsyncDisposable
{
    /// <summary>How long a connection may take to send its handshake and Hello, so a silent client holds nothing for long.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most connections waiting for their Hello at once: as many as producers may be connected, so a fleet that
    /// starts together is never refused for it, while silent clients cannot pile up.
    /// </summary>
    public const int MaxWaitingForHello = ProducerRegistry.MaxConnected;

    /// <summary>How long a producer may send nothing before it shows as stalled, unless told otherwise (<c>--producer-timeout</c>).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(30);

    // How long a refused connection is drained before it is closed, so the reason line is not lost to a reset.
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    private readonly TcpListener _listener;
    private readonly PlotStore _store;
    private readonly byte[]? _token;
    private readonly Action<string> _report;
    private readonly CancellationTokenSource _stop;
    private readonly Task _accepting;
    private readonly HashSet<Task> _connections = [];
    private readonly TimeSpan _idleTimeout;
    private readonly IPointSink? _sink;
    private int _waiting;

    private ProducerListener(TcpListener listener, PlotStore store, string? token, Action<string> report, TimeSpan idleTimeout, CancellationToken stop, IPointSink? sink)
    {
        _listener = listener;
        _store = store;
        _sink = sink;
        _idleTimeout = idleTimeout;
        _token = token is null ? null : Encoding.UTF8.GetBytes(token);
        _report = report;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var bound = (IPEndPoint)listener.LocalEndpoint;
        Address = $"tcp://{(bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString())}:{bound.Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>Where producers connect, as <c>tcp://HOST:PORT</c> with the bound port.</summary>
    public string Address { get; }

    /// <summary>
    /// Listens on <paramref name="endpoint"/>; connections must offer <paramref name="token"/> in their Hello (null:
    /// any token, for a loopback viewer started with --no-token). A producer that sends nothing for
    /// <paramref name="idleTimeout"/> (default <see cref="DefaultIdleTimeout"/>; zero: never) shows as stalled. Points
    /// go to <paramref name="sink"/> (by default the store's series alone).
    /// </summary>
    public static ProducerListener Start(IPEndPoint endpoint, PlotStore store, string? token, Action<string> report, CancellationToken stop, TimeSpan? idleTimeout = null, IPointSink? sink = null)
    {
        var timeout = idleTimeout ?? DefaultIdleTimeout;
        if (timeout < TimeSpan.Zero) throw new ArgumentException($"idle timeout {timeout} must not be negative", nameof(idleTimeout));
        var listener = new TcpListener(endpoint);
        listener.Start(backlog: ProducerRegistry.MaxConnected);
        return new ProducerListener(listener, store, token, report, timeout, stop, sink);
    }

    /// <summary>Reads <c>[HOST:]PORT</c> (HOST an IP address, <c>[v6]</c> or localhost; 127.0.0.1 when left out); null with why in <paramref name="error"/>.</summary>
    public static IPEndPoint? ParseEndpoint(string text, out string? error)
    {
        error = null;
        string host = "127.0.0.1", port = text;
        int colon = text.LastIndexOf(':');
        if (colon >= 0 && !(text.StartsWith('[') && !text[..colon].EndsWith(']')))
        {
            host = text[..colon].Trim('[', ']');
            port = text[(colon + 1)..];
        }
        IPAddress? address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : null;
        if (address is null) error = $"--listen {text}: \"{host}\" is not an IP address (give one, or localhost)";
        else if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n > 65535)
            error = $"--listen {text}: \"{port}\" is not a TCP port (0 to 65535)";
        else return new IPEndPoint(address, n);
        return null;
    }

    private async Task AcceptAsync()
    {
        var cancel = _stop.Token;
        while (!cancel.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection that went away between arriving and being accepted; the listener goes on.
                _report($"accepting a producer failed: {e.Message}");
                continue;
            }
            // Counted here, in the one accepting loop, so the bound holds however slowly the connections are served.
            bool admitted = Interlocked.Increment(ref _waiting) <= MaxWaitingForHello;
            if (!admitted) Interlocked.Decrement(ref _waiting);
            var task = Task.Run(() => admitted ? ServeAsync(client, cancel) : BusyAsync(client, cancel), CancellationToken.None);
            lock (_connections) _connections.Add(task);
            _ = task.ContinueWith(Ended, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    // A connection's end: out of the open set, and a failure nothing else caught named on standard error rather than
    // lost with its task, as a connection closed with no word would otherwise be.
    private void Ended(Task connection)
    {
        if (connection.Exception?.GetBaseException() is { } e) _report($"a producer's connection failed: {e.GetType().Name}: {e.Message}");
        lock (_connections) _connections.Remove(connection);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancel)
    {
        using (client)
        {
            string remote = RemoteOf(client.Client);
            var decoder = new FrameDecoder();
            HeardStream? heard = null;
            PipeReader? reader = null;
            ProducerHello? hello = null;
            string? refusal = null;
            try
            {
                try
                {
                    client.NoDelay = true;
                    heard = new HeardStream(client.GetStream(), _store);
                    reader = PipeReader.Create(heard, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // Reset before it was set up (some systems refuse an option on a reset socket): told and counted
                    // as any connection that broke before its Hello.
                    refusal = $"the connection broke before its Hello: {e.Message}";
                }
                if (reader is not null) (hello, refusal) = await ReadHelloAsync(reader, decoder, cancel).ConfigureAwait(false);
            }
            finally
            {
                // Whatever happened, its wait is over.
                Interlocked.Decrement(ref _waiting);
            }
            if (hello is not null && _token is not null && !AccessToken.Matches(hello.Token, _token))
                refusal = hello.Token.Length == 0 ? "missing token" : "wrong token";
            ProducerStore? producer = null;
            if (refusal is null && hello is not null)
            {
                producer = _store.TryConnectProducer(hello.Name, remote, _idleTimeout);
                if (producer is null) refusal = $"too many producers (at most {ProducerRegistry.MaxConnected} at once)";
            }
            if (producer is null || reader is null || heard is null)
            {
                if (reader is not null) await reader.CompleteAsync().ConfigureAwait(false);
                if (cancel.IsCancellationRequested) return;
                await RefuseCountedAsync(client.Client, remote, refusal ?? "no Hello").ConfigureAwait(false);
                return;
            }
            heard.Producer = producer;
            await AcceptAsync(client.Client).ConfigureAwait(false);
            try
            {
                // The decoder has read the handshake and the Hello; the ingest goes on from the next frame.
                await new FrameIngest(_store, _report, producer, sink: _sink).RunAsync(reader, decoder, cancel).ConfigureAwait(false);
            }
            finally
            {
                // Its place is free as soon as it is read to its end, before any refusal line is drained.
                _store.ProducerClosed(producer);
            }
            // A stream refused mid-way (bad bytes) is told why, as a refused connection is, then closed at once, so the
            // producer fails fast instead of blocking. A producer that finished or went away gets nothing more.
            if (producer.State == StreamState.Disconnected && producer.Error is { } why && client.Connected && !cancel.IsCancellationRequested)
                await RefuseAsync(client.Client, why, "plotpipe: ").ConfigureAwait(false);
        }
    }

    // Beyond the connections waiting for their Hello: refused at once, before reading anything.
    private async Task BusyAsync(TcpClient client, CancellationToken cancel)
    {
        using (client)
        {
            if (cancel.IsCancellationRequested) return;
            await RefuseCountedAsync(client.Client, RemoteOf(client.Client), $"too many connections waiting for their Hello (at most {MaxWaitingForHello})").ConfigureAwait(false);
        }
    }

    private async Task RefuseCountedAsync(Socket socket, string remote, string refusal)
    {
        _store.Registry.CountRefused();
        _report($"refused producer from {remote}: {refusal}");
        await RefuseAsync(socket, refusal).ConfigureAwait(false);
    }

    // Who connected, for the log; a socket reset before it is asked has no answer, and that is no reason to fail.
    private static string RemoteOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "unknown";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "unknown";
        }
    }

    // The handshake and the Hello, read with the decoder's own size limits and a deadline; a null Hello comes with why.
    private static async Task<(ProducerHello? Hello, string? Refusal)> ReadHelloAsync(PipeReader reader, FrameDecoder decoder, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(HelloTimeout);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    if (decoder.TryReadFrame(ref buffer, out var frame))
                    {
                        // A version 2 decoder refuses anything but a Hello first, so another frame here is version 1.
                        if (frame.Type != FrameType.Hello) return (null, VersionOne);
                        var hello = frame.ReadHello();
                        reader.AdvanceTo(buffer.Start);
                        return (hello, null);
                    }
                    if (decoder.Version == 1) return (null, VersionOne);
                }
                catch (ProtocolException e)
                {
                    return (null, $"bad input at {e.Message}");
                }
                // Named at a byte as every error in the bytes is: where the stream stopped, or the start of what it cut short.
                if (result.IsCompleted)
                    return (null, buffer.IsEmpty ? $"the connection ended before its Hello, at byte {decoder.Offset}" : $"the connection ended before its Hello, at {decoder.Truncated(buffer).Message}");
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (null, $"no handshake and Hello within {HelloTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            return (null, null);
        }
        catch (IOException e)
        {
            return (null, $"the connection broke before its Hello: {e.Message}");
        }
    }

    private static readonly byte[] AcceptanceLine = [ProducerAcceptance.Line];

    // Tells the producer it was taken, before anything else goes back on the socket (docs/protocol.md, "Acceptance"):
    // without it a producer cannot tell a viewer that took its stream from a tunnel whose far end accepted and closed,
    // and would knock again at once, for ever. One byte into an empty send buffer does not wait.
    private static async Task AcceptAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync(AcceptanceLine, SocketFlags.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Gone already: the ingest reads the end and says so.
        }
    }

    private const string VersionOne = "a version 1 stream has no Hello, so no name or token: speak version 2";

    // Written on a stream of its own over the socket, so a connection whose stream was never set up is told too.
    private static async Task RefuseAsync(Socket socket, string reason, string prefix = ProducerRefusal.Prefix)
    {
        try
        {
            using var drain = new CancellationTokenSource(DrainTime);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{prefix}{reason}\n"), drain.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            // Closing with unread bytes would reset the connection and could destroy the line before the producer
            // reads it: read and discard (store nothing) until the producer closes or the drain time is up.
            var sink = new byte[16 * 1024];
            while (await stream.ReadAsync(sink, drain.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops accepting and waits for the open connections to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open).ConfigureAwait(false);
        _stop.Dispose();
    }
}
