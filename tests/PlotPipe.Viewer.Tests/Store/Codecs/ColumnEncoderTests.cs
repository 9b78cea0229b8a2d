using CsCheck;
using PlotPipe.Viewer.Store.Codecs;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Store.Codecs;

/// <summary>
/// Encoded columns decode bit for bit: generated columns mix runs of random bits, special values, decimals of every
/// exponent, ramps, smooth signals and constants, cut across block edges. Set PLOTPIPE_CODEC_CASES for a long run and
/// PLOTPIPE_CODEC_SEED to replay a failure.
/// </summary>
public class ColumnEncoderTests(ITestOutputHelper output)
{
    private const int Points = 4096;

    private static readonly long Cases =
        long.TryParse(Environment.GetEnvironmentVariable("PLOTPIPE_CODEC_CASES"), out long n) && n > 0 ? n : 300;

    private static readonly string? Seed = Environment.GetEnvironmentVariable("PLOTPIPE_CODEC_SEED") is { Length: > 0 } s ? s : null;

    private static readonly double[] Specials =
    [
        double.NaN, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_0000_0001UL)), BitConverter.Int64BitsToDouble(0x7FF8_DEAD_BEEF_0001),
        double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue,
        2.2250738585072009e-308, -1e-310, 1e-300, 1e300, 4503599627370496.0, -4503599627370497.0, 0.1, -0.3,
    ];

    [Fact]
    public void Any_column_decodes_bit_for_bit_value_by_value_and_in_any_range()
    {
        // Cases run on several threads and an encoder belongs to one writer: one each.
        var encoders = new ThreadLocal<ColumnEncoder>(() => new ColumnEncoder());
        Gen.ULong.Select(Column).Sample(values =>
        {
            var packed = encoders.Value!.Encode((double[])values.Clone());
            for (int i = 0; i < values.Length; i++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(packed.ValueAt(i)));
            var read = new double[values.Length];
            packed.Read(0, values.Length, read);
            Assert.Equal(Bits(values), Bits(read));
            var rng = new Random(values.Length ^ (int)BitConverter.DoubleToInt64Bits(values[7]));
            for (int k = 0; k < 20; k++)
            {
                int from = rng.Next(values.Length), to = rng.Next(from, Math.Min(values.Length, from + 600) + 1);
                var part = new double[to - from];
                packed.Read(from, to, part);
                Assert.Equal(Bits(values.AsSpan(from, to - from)), Bits(part));
            }
        }, output.WriteLine, seed: Seed, iter: Cases);
    }

    [Fact]
    public void Values_read_one_by_one_in_any_order_match_between_part_decoded_and_whole_blocks()
    {
        // A sine's y is guessed (each value decodes from the ones before it, as far as a read needs); a clock's x is
        // summed in place; both also go through the thread's cache of decoded blocks, whole and in part.
        const int n = 8 * PackedColumn.BlockPoints;
        var xs = new double[n];
        var ys = new double[n];
        SampleStreams.Fill(SampleStream.RampSine, 12_345, xs, ys);
        var clockX = new double[n];
        SampleStreams.Fill(SampleStream.JitteredTemperature, 777, clockX, new double[n]);
        var rng = new Random(5);
        foreach (var values in new[] { ys, clockX })
        {
            var packed = new ColumnEncoder().Encode((double[])values.Clone());
            Assert.Null(packed.Values);
            for (int k = 0; k < 4 * n; k++)
            {
                int i = rng.Next(n);
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(packed.ValueAt(i)));
                if (k % 7 == 0)
                {
                    int block = i / PackedColumn.BlockPoints;
                    Assert.Equal(Bits(values.AsSpan(block * PackedColumn.BlockPoints, PackedColumn.BlockPoints)), Bits(packed.CachedBlock(block)));
                }
            }
        }
    }

    [Theory]
    [InlineData(0, 0)]      // integers: a ramp's x
    [InlineData(2, 0)]      // two decimals
    [InlineData(6, 1)]      // a microsecond clock in seconds, steps of 0.1 s
    [InlineData(18, 0)]     // the most digits a block may take
    public void Decimal_blocks_of_every_order_read_in_place_as_they_decode(int exponent, int seed)
    {
        var rng = new Random(seed);
        var values = new double[Points];
        long k = rng.NextInt64(-1_000_000, 1_000_000), step = rng.Next(1, 1000);
        for (int i = 0; i < Points; i++)
        {
            // A ramp, then steps that wander (order 1), then values that jump about (order 0).
            long v = i < 1024 ? k + i * step : i < 2048 ? (k += rng.Next(0, 50)) : rng.Next(0, 4096);
            values[i] = v / Math.Pow(10, exponent);
        }
        var packed = new ColumnEncoder().Encode(values);
        Assert.Null(packed.Values);
        var whole = new double[Points];
        packed.Read(0, Points, whole);
        for (int i = 0; i < Points; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(packed.ValueAt(i)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(whole[i]));
        }
        Assert.Equal(PackedColumn.Decimal, packed.KindOf(0));
    }

    [Fact]
    public void A_column_of_random_bits_is_kept_plain_and_costs_nothing_to_read()
    {
        var rng = new Random(3);
        var values = new double[Points];
        for (int i = 0; i < Points; i++) values[i] = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
        var packed = new ColumnEncoder().Encode(values);
        Assert.Same(values, packed.Values);
    }

    private static long[] Bits(ReadOnlySpan<double> values)
    {
        var bits = new long[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
        return bits;
    }

    // Runs of one kind each, of random lengths, so block edges fall anywhere within and between them.
    private static double[] Column(ulong seed)
    {
        var rng = new Random((int)seed ^ (int)(seed >> 32));
        var values = new double[Points];
        int i = 0;
        while (i < Points)
        {
            int n = Math.Min(Points - i, rng.Next(2) == 0 ? rng.Next(1, 40) : rng.Next(1, 1500));
            int kind = rng.Next(7);
            int exponent = rng.Next(19);
            double scale = Math.Pow(10, exponent);
            long k = rng.Next(3) == 0 ? rng.NextInt64(-(1L << 52), 1L << 52) : rng.Next(-100_000, 100_000);
            long step = rng.Next(-3, 1000);
            double amplitude = Math.Pow(10, rng.Next(-300, 300)), frequency = rng.NextDouble() * 0.1;
            for (int j = 0; j < n; j++, i++)
            {
                values[i] = kind switch
                {
                    0 => BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue)),
                    1 => Specials[rng.Next(Specials.Length)],
                    2 => rng.NextInt64(-(1L << 40), 1L << 40) / scale,
                    3 => (k + j * step) / scale,
                    4 => amplitude * Math.Sin(i * frequency),
                    5 => k / scale,
                    _ => (k + rng.Next(0, 4096)) / scale,
                };
            }
        }
        return values;
    }
}
