using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>
/// A producer connection's reads, on a real loopback socket, at the moment a busy machine makes rare: the bytes
/// arrive after the read was posted but before the listener looks at it.
/// </summary>
public sealed class HeardStreamTests
{
    [Fact]
    public async Task A_read_the_socket_finished_before_it_was_looked_at_hands_on_its_bytes()
    {
        using var pair = await SocketPair.OpenAsync();
        using var store = new PlotStore();
        var first = "PLTP"u8.ToArray();
        var second = "more"u8.ToArray();
        var late = new LateLookStream(pair.Accepted.GetStream(), pair.Producer.GetStream()) { Next = first };
        var heard = new HeardStream(late, store);

        var buffer = new byte[64];
        int n = await heard.ReadAsync(buffer);
        Assert.Equal(first, buffer[..n]);
        // The socket's read is reused for the next one: that one arrives too.
        late.Next = second;
        n = await heard.ReadAsync(buffer);
        Assert.Equal(second, buffer[..n]);
    }

    [Fact]
    public async Task A_Hello_whose_bytes_arrive_as_it_is_read_is_read_whole_through_the_pipe()
    {
        using var pair = await SocketPair.OpenAsync();
        using var store = new PlotStore();
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "late", "");
        var heard = new HeardStream(new LateLookStream(pair.Accepted.GetStream(), pair.Producer.GetStream()) { Next = w.WrittenSpan.ToArray() }, store);
        var reader = PipeReader.Create(heard, new StreamPipeReaderOptions(leaveOpen: true));
        var decoder = new FrameDecoder();

        var result = await reader.ReadAsync();
        var buffer = result.Buffer;
        Assert.True(decoder.TryReadFrame(ref buffer, out var frame));
        Assert.Equal("late", frame.ReadHello().Name);
        reader.AdvanceTo(buffer.Start);
        await reader.CompleteAsync();
    }

    // A connected loopback pair: what the producer sends, the accepted side reads.
    private sealed class SocketPair : IDisposable
    {
        private readonly TcpListener _listener;

        private SocketPair(TcpListener listener, TcpClient producer, TcpClient accepted)
        {
            _listener = listener;
            Producer = producer;
            Accepted = accepted;
        }

        public TcpClient Producer { get; }

        public TcpClient Accepted { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var producer = new TcpClient { NoDelay = true };
            var accepting = listener.AcceptTcpClientAsync();
            await producer.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return new SocketPair(listener, producer, await accepting);
        }

        public void Dispose()
        {
            Producer.Dispose();
            Accepted.Dispose();
            _listener.Stop();
            _listener.Dispose();
        }
    }

    // The socket's own reads, each posted with nothing to read, then the producer's next bytes sent, then handed on
    // only once the socket has finished it: what a thread descheduled between posting a read and looking at it sees.
    private sealed class LateLookStream(NetworkStream socket, NetworkStream producer) : Stream
    {
        public byte[] Next { get; set; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = socket.ReadAsync(buffer, cancellationToken);
            Assert.False(read.IsCompleted, "the read was posted before any byte was sent");
            producer.Write(Next);
            // Waiting on the socket's own completion (its status may be asked any number of times), not on a clock.
            Assert.True(SpinWait.SpinUntil(() => read.IsCompleted, TimeSpan.FromSeconds(30)), "the socket finished the read");
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
