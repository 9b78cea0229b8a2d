using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>A producer speaking the real protocol over a real loopback TCP connection, frame by frame.</summary>
internal sealed class TcpProducer : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly ArrayBufferWriter<byte> _frames = new(1 << 16);

    private TcpProducer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to the viewer's producers' port through 127.0.0.1 (whatever address it is bound to).</summary>
    public static async Task<TcpProducer> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new TcpProducer(client);
    }

    /// <summary>Connects and sends the version 2 handshake and a Hello with <paramref name="name"/> and <paramref name="token"/>.</summary>
    public static async Task<TcpProducer> HelloAsync(int port, string name, string token)
    {
        var producer = await ConnectAsync(port);
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteHandshake(w);
            FrameWriter.WriteHello(w, name, token);
        });
        return producer;
    }

    /// <summary>Writes whatever <paramref name="write"/> puts in the buffer, in one send.</summary>
    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        _frames.ResetWrittenCount();
        write(_frames);
        await _stream.WriteAsync(_frames.WrittenMemory);
    }

    /// <summary>Writes raw bytes (half a frame, say).</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>What the viewer says first to a producer it took, before any other line: the acceptance line.</summary>
    public const string Accepted = "\n";

    /// <summary>Reads what the viewer says until it closes the connection (or 10 s pass).</summary>
    public Task<string> ReadToEndAsync() => ReadToEndAsync(TimeSpan.FromSeconds(10));

    /// <summary>Reads what the viewer says until it closes the connection (or <paramref name="limit"/> passes).</summary>
    public async Task<string> ReadToEndAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var text = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await _stream.ReadAsync(buffer, timeout.Token)) > 0) text.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(text.ToArray());
    }

    /// <summary>Reads the next <paramref name="count"/> bytes the viewer says, as text, leaving the connection open (10 s at most).</summary>
    public async Task<string> ReadAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var bytes = new byte[count];
        await _stream.ReadExactlyAsync(bytes, timeout.Token);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Ends what it sends (a half-close), still reading what the viewer says.</summary>
    public void EndSending() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Closes the connection at once: a reset, not an end, if the viewer said something not yet read.</summary>
    public void Dispose() => _client.Dispose();
}
