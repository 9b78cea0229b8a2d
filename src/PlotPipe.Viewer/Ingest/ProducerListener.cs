using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Takes the binary protocol over TCP from many producers at once (<c>--listen</c>). Each connection must open with
/// a version 2 handshake and Hello within <see cref="HelloTimeout"/>, carrying the viewer's token unless it has
/// none; otherwise it is refused before any point is read: one line back on the socket, one line on standard
/// error, a count in /api/status, nothing stored. An accepted connection is a producer of its own, read by its own
/// <see cref="FrameIngest"/>; whatever happens to it (a fatal protocol error, death mid-frame) closes it alone.
/// </summary>
internal sealed class ProducerListener : IAsyncDisposable
{
    /// <summary>How long a connection may take to send its handshake and Hello, so a silent client holds nothing for long.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    // How long a refused connection is drained before it is closed, so the reason line is not lost to a reset.
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    private readonly TcpListener _listener;
    private readonly PlotStore _store;
    private readonly byte[]? _token;
    private readonly Action<string> _report;
    private readonly CancellationTokenSource _stop;
    private readonly Task _accepting;
    private readonly HashSet<Task> _connections = [];

    private ProducerListener(TcpListener listener, PlotStore store, string? token, Action<string> report, CancellationToken stop)
    {
        _listener = listener;
        _store = store;
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
    /// any token, for a loopback viewer started with --no-token).
    /// </summary>
    public static ProducerListener Start(IPEndPoint endpoint, PlotStore store, string? token, Action<string> report, CancellationToken stop)
    {
        var listener = new TcpListener(endpoint);
        listener.Start(backlog: PlotStore.MaxProducers);
        return new ProducerListener(listener, store, token, report, stop);
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
            var task = Task.Run(() => ServeAsync(client, cancel), CancellationToken.None);
            lock (_connections) _connections.Add(task);
            _ = task.ContinueWith(t => { lock (_connections) _connections.Remove(t); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancel)
    {
        using (client)
        {
            string remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown";
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
            var decoder = new FrameDecoder();
            var (hello, refusal) = await ReadHelloAsync(reader, decoder, cancel).ConfigureAwait(false);
            if (hello is not null && _token is not null && !TokenGuard.Matches(hello.Token, _token))
                refusal = hello.Token.Length == 0 ? "missing token" : "wrong token";
            ProducerStore? producer = null;
            if (refusal is null && hello is not null)
            {
                producer = _store.TryAddProducer(hello.Name, remote);
                if (producer is null) refusal = $"too many producers (at most {PlotStore.MaxProducers} at once)";
            }
            if (producer is null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                if (cancel.IsCancellationRequested) return;
                refusal ??= "no Hello";
                _store.CountRefused();
                _report($"refused producer from {remote}: {refusal}");
                await RefuseAsync(client, stream, refusal).ConfigureAwait(false);
                return;
            }
            // The decoder has read the handshake and the Hello; the ingest goes on from the next frame.
            await new FrameIngest(_store, _report, producer).RunAsync(reader, decoder, cancel).ConfigureAwait(false);
            // A stream refused mid-way (bad bytes) is told why, as a refused connection is, then closed at once, so the
            // producer fails fast instead of blocking. A producer that finished or went away gets nothing.
            if (producer.State == StreamState.Disconnected && producer.Error is { } why && client.Connected && !cancel.IsCancellationRequested)
                await RefuseAsync(client, stream, why, "plotpipe: ").ConfigureAwait(false);
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
                if (result.IsCompleted) return (null, "the connection ended before its Hello");
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

    private const string VersionOne = "a version 1 stream has no Hello, so no name or token: speak version 2";

    private static async Task RefuseAsync(TcpClient client, NetworkStream stream, string reason, string prefix = "plotpipe: refused: ")
    {
        try
        {
            using var drain = new CancellationTokenSource(DrainTime);
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{prefix}{reason}\n"), drain.Token).ConfigureAwait(false);
            client.Client.Shutdown(SocketShutdown.Send);
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
