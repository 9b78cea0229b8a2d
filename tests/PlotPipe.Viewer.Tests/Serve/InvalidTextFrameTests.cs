using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary>
/// A page message that is not UTF-8, sent byte by byte by a raw WebSocket client (no library between the test and
/// the wire): the viewer answers with the close docs/page-protocol.md names, not a reset.
/// </summary>
public sealed class InvalidTextFrameTests : IAsyncLifetime
{
    private readonly PlotStore _store = new();
    private ViewerServer? _server;

    public async Task InitializeAsync()
    {
        _server = await ViewerServer.StartAsync("127.0.0.1", 0, ViewerAccess.WithToken(), _store, new ViewerStatus(_store), CancellationToken.None);
        _store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-")).Append([1.0, 2.0], [3.0, 4.0]);
        _store.Touch();
    }

    public async Task DisposeAsync() => await _server!.DisposeAsync();

    [Theory]
    [InlineData(new byte[] { 0x7b, 0x22, 0xff, 0x22, 0x7d })] // {"\xff"}: a byte UTF-8 never uses
    [InlineData(new byte[] { 0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d })] // a lone surrogate, U+D800, in UTF-8 form
    [InlineData(new byte[] { 0x7b, 0x22, 0xe2, 0x82 })] // a sequence cut short at the message's end
    public async Task Text_frame_with_invalid_UTF8_is_closed_with_1007_and_a_clean_end_not_a_reset(byte[] payload)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, _server!.Url.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await UpgradeAsync(stream, timeout.Token);

        await stream.WriteAsync(MaskedFrame(0x1, payload), timeout.Token);

        // Meta and views may come first; the close frame ends the page's data.
        ushort? status = null;
        while (status is null)
        {
            var (opcode, body) = await ReadFrameAsync(stream, timeout.Token);
            if (opcode == 0x8) status = BinaryPrimitives.ReadUInt16BigEndian(body);
        }
        Assert.Equal((ushort)1007, status!.Value);
        // The page answers the close, as RFC 6455 asks; the viewer then ends the connection in order: the stream
        // ends with no byte more, where a reset would throw.
        await stream.WriteAsync(MaskedFrame(0x8, [0x03, 0xef]), timeout.Token);
        var rest = new byte[4096];
        long after = 0;
        int n;
        while ((n = await stream.ReadAsync(rest, timeout.Token)) > 0) after += n;
        Assert.Equal(0, after);
    }

    private async Task UpgradeAsync(NetworkStream stream, CancellationToken cancel)
    {
        int port = _server!.Url.Port;
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string request = $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n" +
            $"Authorization: Bearer {_server.Token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancel);
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            Assert.Equal(1, await stream.ReadAsync(one, cancel));
            head.Add(one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString([.. head]));
    }

    // A client's frames are masked (RFC 6455 5.3); one frame, FIN set.
    private static byte[] MaskedFrame(byte opcode, byte[] payload)
    {
        var frame = new List<byte> { (byte)(0x80 | opcode) };
        if (payload.Length < 126) frame.Add((byte)(0x80 | payload.Length));
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        byte[] mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++) frame.Add((byte)(payload[i] ^ mask[i % 4]));
        return [.. frame];
    }

    private static async Task<(int Opcode, byte[] Body)> ReadFrameAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new byte[2];
        await stream.ReadExactlyAsync(head, cancel);
        long length = head[1] & 0x7f;
        if (length == 126)
        {
            var ext = new byte[2];
            await stream.ReadExactlyAsync(ext, cancel);
            length = BinaryPrimitives.ReadUInt16BigEndian(ext);
        }
        else if (length == 127)
        {
            var ext = new byte[8];
            await stream.ReadExactlyAsync(ext, cancel);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(ext);
        }
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancel);
        return (head[0] & 0x0f, body);
    }
}
