using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// A producer connection's bytes on their way to its pipe, noting when they last arrived so an idle producer shows
/// as stalled and one that sends again streams again. Pooled async completions: a read allocates nothing.
/// </summary>
internal sealed class HeardStream(Stream inner, PlotStore store) : Stream
{
    /// <summary>The producer the bytes are for, once its Hello was taken; before that, arrivals stall nothing.</summary>
    public ProducerStore? Producer { get; set; }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully) return Awaited(read);
        // A ValueTask is taken once: a socket's read that finished after it was posted is its pooled operation, which
        // reading its result hands back for reuse, so the number goes on, never the spent ValueTask itself.
        int n = read.Result;
        Heard(n);
        return new ValueTask<int>(n);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> Awaited(ValueTask<int> read)
    {
        int n = await read.ConfigureAwait(false);
        Heard(n);
        return n;
    }

    private void Heard(int bytes)
    {
        // A stall that ends is news for the pages; bytes of a stream that is streaming anyway are not.
        if (bytes > 0 && Producer is { } p && p.Heard()) store.Touch();
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        Heard(n);
        return n;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush() { }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
