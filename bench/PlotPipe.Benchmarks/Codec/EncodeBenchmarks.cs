using System.Buffers;
using BenchmarkDotNet.Attributes;
using PlotPipe.Protocol;

namespace PlotPipe.Benchmarks.Codec;

/// <summary>Encoding one Points frame of 4,096 points into a reused buffer, against a plain copy of its 64 KiB.</summary>
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    private const int Points = 4096;
    private readonly double[] _xs = new double[Points];
    private readonly double[] _ys = new double[Points];
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly byte[] _copy = new byte[FrameWriter.PointsFrameBytes(Points)];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < Points; i++)
        {
            _xs[i] = i;
            _ys[i] = Math.Cos(i);
        }
    }

    /// <summary>The floor: copying both columns into a byte array.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public void CopyColumns()
    {
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_xs.AsSpan()).CopyTo(_copy.AsSpan(16));
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_ys.AsSpan()).CopyTo(_copy.AsSpan(16 + 8 * Points));
    }

    /// <summary>One frame through <see cref="FrameWriter.WritePoints"/>.</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public void WritePoints4096()
    {
        _buffer.ResetWrittenCount();
        FrameWriter.WritePoints(_buffer, 3, _xs, _ys);
    }
}
