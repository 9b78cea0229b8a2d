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
    public void Scaling_four_values_at_a_time_gives_what_scaling_each_alone_gives_bit_for_bit()
    {
        // Decimals of every exponent, whole numbers near 2^51 and 2^52 (where the vector path hands over), halves that
        // round to even, -0.0 and the specials, each block scaled at every exponent.
        double[] edges = [2251799813685247.0, 2251799813685248.0, -2251799813685249.0, 4503599627370495.0, 0.5, 1.5, 2.5, -0.5, -2.5, 225179981368524.75];
        Gen.ULong.Select(seed =>
        {
            var values = Column(seed);
            var rng = new Random((int)seed);
            for (int k = 0; k < 40; k++) values[rng.Next(values.Length)] = rng.Next(3) == 0 ? Specials[rng.Next(Specials.Length)] : edges[rng.Next(edges.Length)];
            return values;
        }).Sample(values =>
        {
            var vector = new long[PackedColumn.BlockPoints];
            for (int start = 0; start + PackedColumn.BlockPoints <= values.Length; start += PackedColumn.BlockPoints)
            {
                var block = values.AsSpan(start, PackedColumn.BlockPoints);
                for (int e = 0; e < PackedColumn.PowersOfTen.Length; e++)
                {
                    int scaled = ColumnEncoder.Scale(block, e, vector);
                    int expected = 0;
                    while (expected < block.Length && ColumnEncoder.TryScale(block[expected], e, out long k) && k == vector[expected]) expected++;
                    Assert.Equal(expected, scaled);
                }
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_decimal_block_of_steps_reads_from_the_checkpoint_before_its_value_and_costs_its_checkpoints(int order)
    {
        // Steps that wander (order 1), or steps that drift by changes of a few units (order 2): a checkpoint changed on
        // purpose shows which reads sum from it: exactly the values from its mark (128) to the next (192), read alone;
        // the values before and after, and the block decoded whole, keep theirs.
        var rng = new Random(11 + order);
        var values = new double[PackedColumn.BlockPoints];
        long k = 1_700_000_000_000_000, step = 100_000;
        for (int i = 0; i < values.Length; i++)
        {
            if (order == 1) k += rng.Next(0, 50);
            else k += step += rng.Next(-3, 4);
            values[i] = k / 1e6;
        }
        var packed = new ColumnEncoder().Encode((double[])values.Clone());
        var (bytes, start) = packed.BlockBytes(0);
        Assert.Equal(PackedColumn.Decimal, bytes![start]);
        Assert.Equal(order, bytes[start + 2]);
        int width = bytes[start + 3];
        Assert.InRange(width, 1, 8);
        Assert.Equal(PackedColumn.DecimalPackedOffset(order, width) + ((PackedColumn.BlockPoints - order) * width + 7) / 8, bytes.Length - 8 - start);
        for (int mark = 1; mark <= PackedColumn.Checkpoints; mark++)
        {
            int at = start + PackedColumn.DecimalCheckpointOffset(order, mark), j = mark * PackedColumn.CheckpointPoints;
            Assert.Equal((long)Math.Round(values[j] * 1e6), BitConverter.ToInt64(bytes, at));
            if (order == 2) Assert.Equal((long)Math.Round(values[j] * 1e6) - (long)Math.Round(values[j - 1] * 1e6), BitConverter.ToInt64(bytes, at + 8));
        }

        var changed = (byte[])bytes.Clone();
        int kept = start + PackedColumn.DecimalCheckpointOffset(order, 2);
        BitConverter.TryWriteBytes(changed.AsSpan(kept, 8), BitConverter.ToInt64(changed, kept) + 1_000_000);
        for (int i = 0; i < PackedColumn.BlockPoints; i++)
        {
            bool fromChanged = i >= 2 * PackedColumn.CheckpointPoints && i < 3 * PackedColumn.CheckpointPoints;
            // A fresh column each read: no block decoded on this thread before it helps.
            var alone = new PackedColumn(changed, [0, changed.Length - 8]);
            Assert.True(fromChanged != (BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(alone.ValueAt(i))), $"value {i}");
        }
        var whole = new double[PackedColumn.BlockPoints];
        new PackedColumn(changed, [0, changed.Length - 8]).Read(0, PackedColumn.BlockPoints, whole);
        Assert.Equal(Bits(values), Bits(whole));
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

    public enum GuessedSignal
    {
        /// <summary>A sine sampled finely: residuals of a few bits.</summary>
        Sine,
        /// <summary>Random positive doubles within 2^58 of each other's bits: residuals of 57 to 63 bits.</summary>
        WideBits,
        /// <summary>A sine with NaN payloads, ±0.0, infinities and subnormals, some right before a checkpoint's mark: 64-bit residuals.</summary>
        SineWithSpecials,
    }

    [Theory]
    [InlineData(1, GuessedSignal.Sine)]
    [InlineData(2, GuessedSignal.Sine)]
    [InlineData(1, GuessedSignal.WideBits)]
    [InlineData(2, GuessedSignal.WideBits)]
    [InlineData(1, GuessedSignal.SineWithSpecials)]
    [InlineData(2, GuessedSignal.SineWithSpecials)]
    public void A_guessed_block_reads_any_value_alone_as_the_whole_block_decodes_it(int leading, GuessedSignal signal)
    {
        const int blocks = 8, n = blocks * PackedColumn.BlockPoints;
        var values = GuessedColumn(signal, n, 42 + leading);
        var packed = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
        for (int b = 0; b < blocks; b++)
        {
            var (bytes, start) = packed.BlockBytes(b);
            Assert.Equal(PackedColumn.Predicted, bytes![start]);
            Assert.Equal(leading, bytes[start + 1]);
            int width = bytes[start + 3];
            Assert.True(signal == GuessedSignal.Sine ? width <= 56 : width > 56, $"block {b}: {width}-bit residuals");
        }
        var whole = new double[n];
        packed.Read(0, n, whole);
        Assert.Equal(Bits(values), Bits(whole));

        // Eight blocks through a cache of four: every read finds its block gone and decodes it afresh from the
        // checkpoint before the value, into an array that holds another block's values.
        for (int j = 0; j < PackedColumn.BlockPoints; j++)
        {
            for (int b = 0; b < blocks; b++)
            {
                int i = b * PackedColumn.BlockPoints + j;
                Assert.True(BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(packed.ValueAt(i)), $"value {j} of block {b}");
            }
        }

        // One block read part by part: down from its end, up from its start, then at random with the whole block
        // asked for on the way; each read goes on from what the stretch before its value has decoded.
        var rng = new Random(leading);
        for (int b = 0; b < blocks; b++)
        {
            int first = b * PackedColumn.BlockPoints;
            var fresh = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
            for (int i = first + PackedColumn.BlockPoints - 1; i >= first; i -= 1 + (b & 1))
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(fresh.ValueAt(i)));
            fresh = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
            for (int i = first; i < first + PackedColumn.BlockPoints; i += 1 + (b % 3))
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(fresh.ValueAt(i)));
            fresh = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
            for (int k = 0; k < 40; k++)
            {
                int i = first + rng.Next(PackedColumn.BlockPoints);
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(fresh.ValueAt(i)));
                if (k == 20) Assert.Equal(Bits(values.AsSpan(first, PackedColumn.BlockPoints)), Bits(fresh.CachedBlock(b)));
            }
            // Spans of the block, as a scan of part of it asks for them, each decoded from the checkpoint before it.
            fresh = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
            for (int k = 0; k < 30; k++)
            {
                int from = rng.Next(PackedColumn.BlockPoints), to = rng.Next(from + 1, PackedColumn.BlockPoints + 1);
                var span = fresh.CachedBlock(b, from, to).AsSpan(from, to - from);
                Assert.Equal(Bits(values.AsSpan(first + from, to - from)), Bits(span));
                if (k % 10 == 9) fresh = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_read_decodes_from_the_checkpoint_before_its_value_and_no_other(int leading)
    {
        // A checkpoint changed on purpose shows which reads start from it: exactly the values from its mark (128) to
        // the next (192), read alone; the values before and after, and the block decoded whole, keep theirs.
        var values = GuessedColumn(GuessedSignal.Sine, PackedColumn.BlockPoints, 7);
        var packed = new ColumnEncoder().EncodeGuessed((double[])values.Clone(), leading);
        var (bytes, start) = packed.BlockBytes(0);
        var changed = (byte[])bytes!.Clone();
        int kept = start + PackedColumn.CheckpointOffset(leading, 2);
        for (int k = 0; k < leading; k++)
        {
            int at = kept + 8 * k;
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[2 * PackedColumn.CheckpointPoints - leading + k]), BitConverter.ToInt64(changed, at));
            BitConverter.TryWriteBytes(changed.AsSpan(at, 8), BitConverter.ToDouble(changed, at) + 1.0);
        }
        var column = new PackedColumn(changed, [0, changed.Length - 8]);
        for (int i = 0; i < PackedColumn.BlockPoints; i++)
        {
            bool fromChanged = i >= 2 * PackedColumn.CheckpointPoints && i < 3 * PackedColumn.CheckpointPoints;
            // A fresh column each read: nothing decoded before it helps.
            var alone = new PackedColumn(changed, [0, changed.Length - 8]);
            Assert.True(fromChanged != (BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(alone.ValueAt(i))), $"value {i}");
            // Read in order, each stretch still starts from its own checkpoint.
            Assert.True(fromChanged != (BitConverter.DoubleToInt64Bits(values[i]) == BitConverter.DoubleToInt64Bits(column.ValueAt(i))), $"value {i} read in order");
        }
        var whole = new double[PackedColumn.BlockPoints];
        new PackedColumn(changed, [0, changed.Length - 8]).Read(0, PackedColumn.BlockPoints, whole);
        Assert.Equal(Bits(values), Bits(whole));
    }

    [Fact]
    public void A_guessed_block_costs_its_checkpoints_and_no_more()
    {
        // The ramp and sine of the store bench: checkpoints add 8 bytes a guessed value before each of three marks.
        const int n = 64 * PackedColumn.BlockPoints;
        var xs = new double[n];
        var ys = new double[n];
        SampleStreams.Fill(SampleStream.RampSine, 99, xs, ys);
        var packed = new ColumnEncoder().Encode(ys);
        int guessed = 0;
        for (int b = 0; b < n / PackedColumn.BlockPoints; b++)
        {
            if (packed.KindOf(b) != PackedColumn.Predicted) continue;
            guessed++;
            var (bytes, start) = packed.BlockBytes(b);
            int leading = bytes![start + 1], width = bytes[start + 3];
            var (_, next) = b + 1 < n / PackedColumn.BlockPoints ? packed.BlockBytes(b + 1) : (bytes, bytes.Length - 8);
            Assert.Equal(PackedColumn.HeaderBytes + 8 + 8 * leading * 4 + (((PackedColumn.BlockPoints - leading) * width + 7) >> 3), next - start);
        }
        Assert.True(guessed > n / PackedColumn.BlockPoints / 2, $"{guessed} guessed blocks");
    }

    // Columns every block of which a guess encodes, at the residual widths the signal names.
    private static double[] GuessedColumn(GuessedSignal signal, int n, int seed)
    {
        var rng = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = signal switch
            {
                GuessedSignal.WideBits => BitConverter.Int64BitsToDouble(0x3FF0_0000_0000_0000L + rng.NextInt64(1L << 58)),
                _ => 2.5 + Math.Sin(i * 0.01) + 1e-9 * rng.Next(16),
            };
        }
        if (signal == GuessedSignal.SineWithSpecials)
        {
            for (int i = 0; i < n; i += rng.Next(1, 40)) values[i] = Specials[rng.Next(Specials.Length)];
            // Before each mark of some blocks, and as a block's first values.
            for (int i = PackedColumn.CheckpointPoints; i < n; i += 3 * PackedColumn.CheckpointPoints)
            {
                values[i - 1] = Specials[rng.Next(Specials.Length)];
                values[i - 2] = Specials[rng.Next(Specials.Length)];
            }
            for (int i = 0; i < n; i += 5 * PackedColumn.BlockPoints) values[i] = values[i + 1] = double.NaN;
        }
        return values;
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
