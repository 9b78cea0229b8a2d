using BenchmarkDotNet.Attributes;

namespace PlotPipe.Benchmarks.Producer;

/// <summary>
/// A dropped <see cref="Series.Add(double, double)"/> (the buffer full under <see cref="WhenFull.Drop"/>, the
/// viewer stalled) beside a stored one: dropping must cost no more than storing (the issue asks ≤ 10 ns).
/// </summary>
[MemoryDiagnoser]
public class DroppedAddBenchmarks
{
    private const int Adds = 1 << 16;
    private StalledStream _stalled = null!;
    private LivePlot _full = null!;
    private LivePlot _flowing = null!;
    private Series _dropping = null!;
    private Series _storing = null!;
    private double _x;

    [GlobalSetup]
    public void Setup()
    {
        _stalled = new StalledStream();
        // A buffer that does not grow fills in a million adds; a dropped Add costs the same at any bound.
        _full = LivePlot.ToStream(_stalled, AddLoop.FixedBuffer(WhenFull.Drop));
        _dropping = _full.Line("dropping");
        // Fill the buffer and the writer's pipe segment until adds start to drop.
        for (int i = 0; i < 4 * (1 << 18); i++) _dropping.Add(i, i);
        if (_dropping.Dropped == 0) throw new InvalidOperationException("the stalled plot never dropped");
        _flowing = LivePlot.ToStream(Stream.Null, AddLoop.FixedBuffer(WhenFull.Drop));
        _storing = _flowing.Line("storing");
        for (int i = 0; i < 8 * (1 << 18); i++) _storing.Add(i, i);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stalled.Release();
        _full.Finish();
        _flowing.Finish();
        _full.Completion.Wait();
        _flowing.Completion.Wait();
    }

    /// <summary>Adds that are stored and sent.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Adds)]
    public void StoredAdd()
    {
        _x = AddLoop.Ramp(_storing, _x, Adds);
    }

    /// <summary>Adds that are dropped and counted, the buffer being full.</summary>
    [Benchmark(OperationsPerInvoke = Adds)]
    public void DroppedAdd()
    {
        _x = AddLoop.Ramp(_dropping, _x, Adds);
    }

    /// <summary>A destination whose writes wait until released, as a stopped viewer's pipe does.</summary>
    private sealed class StalledStream : Stream
    {
        private readonly ManualResetEventSlim _open = new(false);

        public void Release() => _open.Set();

        public override void Write(byte[] buffer, int offset, int count) => _open.Wait();
        public override void Write(ReadOnlySpan<byte> buffer) => _open.Wait();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _open.Wait(cancellationToken);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _open.Wait(cancellationToken);
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
    }
}
