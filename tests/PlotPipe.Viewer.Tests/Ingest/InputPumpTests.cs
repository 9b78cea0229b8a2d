using System.IO.Pipes;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Standard input read on a thread of its own: every byte in order, its end, its breakage, and ingest continuing on that thread.</summary>
public class InputPumpTests
{
    [Fact]
    public async Task Every_byte_arrives_in_order_the_end_completes_the_reader_and_the_stream_is_closed()
    {
        var bytes = new byte[3 * InputPump.ReadBytes + 12345];
        new Random(7).NextBytes(bytes);
        var input = new WatchedStream(bytes);
        var reader = InputPump.Start(input);
        var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            foreach (var segment in result.Buffer) received.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        await reader.CompleteAsync();
        Assert.Equal(bytes, received.ToArray());
        Assert.True(await input.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_input_that_breaks_is_thrown_from_the_read_as_the_stream_threw_it()
    {
        var reader = InputPump.Start(new BrokenStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (!(await reader.ReadAsync(timeout.Token)).IsCompleted) { }
        });
        Assert.Equal("the device went away", e.Message);
    }

    [Fact]
    public async Task Ingest_waiting_for_bytes_continues_on_the_reading_thread_not_the_thread_pool()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var reader = InputPump.Start(client);
        // Nothing written yet: the read waits, and the bytes written next wake it where they were read.
        var reading = reader.ReadAsync();
        Assert.False(reading.IsCompleted);
        var continued = ContinueAsync(reading);
        server.Write("1 2\n"u8);
        server.Flush();
        Assert.Equal("plotpipe input", await continued.WaitAsync(TimeSpan.FromSeconds(10)));
        server.Dispose();
    }

    private static async Task<string?> ContinueAsync(ValueTask<System.IO.Pipelines.ReadResult> reading)
    {
        await reading.ConfigureAwait(false);
        return Thread.CurrentThread.Name;
    }

    private sealed class WatchedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public TaskCompletionSource<bool> Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override void Dispose(bool disposing)
        {
            Disposed.TrySetResult(true);
            base.Dispose(disposing);
        }
    }

    private sealed class BrokenStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("the device went away");
        public override int Read(Span<byte> buffer) => throw new IOException("the device went away");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
