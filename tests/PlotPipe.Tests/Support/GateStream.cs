namespace PlotPipe.Tests.Support;

/// <summary>
/// A destination stream that keeps what it is given and can stall (as a stopped viewer does: writes block)
/// or break (as a killed viewer does: writes throw), so producer behaviour can be tested without timing.
/// </summary>
public sealed class GateStream : Stream
{
    private readonly MemoryStream _bytes = new();
    private readonly ManualResetEventSlim _open;
    private long _breakAfter = long.MaxValue;

    public GateStream(bool open = true) => _open = new ManualResetEventSlim(open);

    public bool Disposed { get; private set; }

    public void Open() => _open.Set();

    /// <summary>Writes block again until the next <see cref="Open"/>.</summary>
    public void Stall() => _open.Reset();

    /// <summary>Writes fail with IOException once this many bytes have gone through.</summary>
    public void BreakAfter(long bytes) => Interlocked.Exchange(ref _breakAfter, bytes);

    public byte[] ToArray()
    {
        lock (_bytes) return _bytes.ToArray();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _open.Wait();
        lock (_bytes)
        {
            if (_bytes.Length + buffer.Length > Interlocked.Read(ref _breakAfter)) throw new IOException("Broken pipe");
            _bytes.Write(buffer);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
