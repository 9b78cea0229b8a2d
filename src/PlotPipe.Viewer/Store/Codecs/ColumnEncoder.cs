using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PlotPipe.Viewer.Store.Codecs;

/// <summary>
/// Encodes a full chunk's column block by block into a <see cref="PackedColumn"/>, choosing for each block of 256 the
/// smallest of:
/// <list type="bullet">
/// <item><b>decimal</b> (the idea of ALP, Afroozeh et al., SIGMOD 2024): when every value is k / 10^e exactly for
/// one exponent e, the integers k are kept as they are (order 0), as steps (order 1) or as changes of step (order 2,
/// Gorilla's delta-of-delta: a constant x step costs no bits), frame-of-reference bit-packed. A 12-bit ADC takes 12
/// bits a value, a ramp or a clock 0 to a few. Steps and changes of step are summed to read a value, so such a block
/// with any bits also keeps, as checkpoints, its integer (and step) at values 64, 128 and 192: a read sums at most 63,
/// for 24 or 48 bytes a block.</item>
/// <item><b>predicted</b>: each value against the one before it, or against the line through the two before (a
/// smooth signal), as the difference of order-preserving integer images of the doubles, frame-of-reference
/// bit-packed. An XOR against the guess (Gorilla, Chimp) loses its leading zeros whenever value and guess fall on
/// two sides of a power of two, which a sine does every few hundred points; the integer difference does not. Each
/// value waits for the one or two before it, so the block also keeps, as checkpoints, the value(s) before values
/// 64, 128 and 192: a read decodes from the checkpoint before it, at most 64 values, for 8 or 16 bytes each.</item>
/// <item><b>raw</b>: the 8-byte doubles.</item>
/// </list>
/// Layout: a raw block is its kind byte and the 256 doubles. A decimal or guessed block is five bytes (kind; exponent,
/// or how many values the guess is made from; order; width; shift), the smallest residual (8 bytes), then for a
/// decimal block its first integer and first step as its order needs them (and, of order 1 or 2 with residuals of
/// any width, its three checkpoints of as many integers each), for a guessed block its first value(s) and its three
/// checkpoints of as many values each, and last the residuals, width bits each, to be shifted left by shift.
/// A column whose blocks together save under a quarter is kept as plain doubles, which readers take without decoding. One
/// encoder belongs to one writer; it keeps its scratch space between chunks.
/// </summary>
internal sealed class ColumnEncoder
{
    // Every method that runs per value is compiled optimized at its first call (AggressiveOptimization): the JIT's
    // first tiers ran them several times slower, with counting probes, through a stream's first 10^7 points or so,
    // which is the burst a user watches (docs/performance.md, "The store's per-point code compiled optimized at once").
    private const int N = PackedColumn.BlockPoints;
    private const int RawBlockBytes = 1 + 8 * N;
    private const int CheapBlockBytes = 2 * N;
    private const int ChunkGroupBlocks = 16;

    // The last block's choice: its kind, exponent, order or guess, and size.
    private byte _hint;
    private int _hintExponent, _hintOrder, _hintSize;

    private byte[] _out = [];
    private int[] _offsets = [];
    private readonly long[] _ints = new long[N];
    private readonly ulong[] _packed = new ulong[N];
    private readonly long[] _fromLast = new long[N];
    private readonly long[] _fromLine = new long[N];

    /// <summary>Encodes <paramref name="values"/> (a whole number of blocks); may return a column that keeps the array itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PackedColumn Encode(double[] values)
    {
        int blocks = values.Length / N;
        int worst = blocks * RawBlockBytes + 8;
        if (_out.Length < worst) _out = new byte[worst];
        if (_offsets.Length < blocks + 1) _offsets = new int[blocks + 1];
        int pos = 0;
        _hint = PackedColumn.Raw;
        for (int b = 0; b < blocks; b++)
        {
            _offsets[b] = pos;
            var block = values.AsSpan(b * N, N);
            // Neighbouring blocks of a signal mostly take the same encoding: the last block's choice is tried alone,
            // and every block is weighed in full at each group's start (and whenever the choice got worse).
            int size = b % ChunkGroupBlocks == 0 ? -1 : EncodeLikeLast(block, pos);
            pos += size >= 0 ? size : EncodeBlock(block, pos);
        }
        _offsets[blocks] = pos;
        // A guessed block decodes at some 8 ns a value (each value waits for the one before): a column that saves
        // under a quarter (uniform random doubles save a ninth, a noisy signal an eighth) is worth more to views
        // read plain than to memory. A full-precision sine saves a third and is encoded.
        if (pos > values.Length * 8L * 3 / 4) return new PackedColumn(values);
        var bytes = GC.AllocateUninitializedArray<byte>(pos + 8);
        _out.AsSpan(0, pos).CopyTo(bytes);
        bytes.AsSpan(pos).Clear();
        return new PackedColumn(bytes, _offsets.AsSpan(0, blocks + 1).ToArray());
    }

    /// <summary>
    /// Encodes every block as guessed from <paramref name="leading"/> values before, whatever is smaller: tests reach
    /// each guess at any residual width with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal PackedColumn EncodeGuessed(double[] values, int leading)
    {
        int blocks = values.Length / N;
        // Residuals of 64 bits make a guessed block larger than a raw one.
        int worst = blocks * (PackedColumn.GuessedHeadBytes(2) + 8 * N) + 8;
        if (_out.Length < worst) _out = new byte[worst];
        var offsets = new int[blocks + 1];
        int pos = 0;
        for (int b = 0; b < blocks; b++)
        {
            offsets[b] = pos;
            var block = values.AsSpan(b * N, N);
            var (min, _) = Guess(block, leading);
            pos += WritePredicted(block, leading, min, pos);
        }
        offsets[blocks] = pos;
        var bytes = new byte[pos + 8];
        _out.AsSpan(0, pos).CopyTo(bytes);
        return new PackedColumn(bytes, offsets);
    }

    // Writes the block as the last one was written if that costs at most a bit a value more; returns its bytes, or -1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int EncodeLikeLast(ReadOnlySpan<double> y, int at)
    {
        if (_hint == PackedColumn.Raw) return WriteRaw(y, at);
        // Never more than a raw block: the scratch space is sized for raw blocks.
        int allowed = Math.Min(_hintSize + N / 8, RawBlockBytes - 1);
        if (_hint == PackedColumn.Decimal)
        {
            if (Scale(y, _hintExponent, _ints) < N) return -1;
            var (min, max) = Residuals(_hintOrder);
            if (DecimalSize(_hintOrder, BitPacking.WidthOf((ulong)(max - min))) > allowed) return -1;
            return WriteDecimal(_hintExponent, _hintOrder, at, min);
        }
        var (lo, hi) = Guess(y, _hintOrder);
        if (PredictedSize(_hintOrder, BitPacking.WidthOf(unchecked((ulong)(hi - lo)))) > allowed) return -1;
        return WritePredicted(y, _hintOrder, lo, at);
    }

    // Weighs every encoding for the block, writes the smallest at `at` and remembers it; returns its bytes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int EncodeBlock(ReadOnlySpan<double> y, int at)
    {
        int size = ChooseAndWrite(y, at);
        _hint = _out[at];
        _hintSize = size;
        if (_hint == PackedColumn.Decimal)
        {
            _hintExponent = _out[at + 1];
            _hintOrder = _out[at + 2];
        }
        else if (_hint == PackedColumn.Predicted)
        {
            _hintOrder = _out[at + 1];
        }
        return size;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ChooseAndWrite(ReadOnlySpan<double> y, int at)
    {
        int best = RawBlockBytes;
        int decimalOrder = -1, exponent = -1;
        if (TryDecimal(y, out exponent))
        {
            var (order, size) = BestOrder();
            if (size < best)
            {
                best = size;
                decimalOrder = order;
            }
        }
        // Integers of a few bits (a clock, a ramp, an ADC) are what a guess from the values before cannot beat.
        if (decimalOrder >= 0 && best <= CheapBlockBytes) return WriteDecimal(exponent, decimalOrder, at);
        var (leading, predictedSize, min) = BestPrediction(y);
        if (predictedSize < best) return WritePredicted(y, leading, min, at);
        if (decimalOrder >= 0) return WriteDecimal(exponent, decimalOrder, at);
        return WriteRaw(y, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WriteRaw(ReadOnlySpan<double> y, int at)
    {
        _out[at] = PackedColumn.Raw;
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(y).CopyTo(_out.AsSpan(at + 1));
        return RawBlockBytes;
    }

    // Finds the smallest exponent e for which every value is round(value · 10^e) / 10^e bit for bit; fills _ints.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryDecimal(ReadOnlySpan<double> y, out int exponent)
    {
        exponent = SmallestExponent(y[0], 0);
        if (exponent < 0) return false;
        while (true)
        {
            int scaled = Scale(y, exponent, _ints);
            if (scaled == y.Length) return true;
            // A later value needs more digits: take them for the whole block and check again from the start.
            exponent = SmallestExponent(y[scaled], exponent + 1);
            if (exponent < 0) return false;
        }
    }

    // Below 2^51 a whole double plus 1.5 · 2^52 has the whole number in its low bits, so it becomes a long without a
    // conversion instruction, which takes AVX-512 for a vector of them.
    private const double VectorLimit = 2251799813685248.0, Magic = 6755399441055744.0;

    /// <summary>
    /// Scales the values as <see cref="TryScale"/> does one, into <paramref name="ints"/>; returns how many from the
    /// first did (all: <paramref name="y"/>'s length). Four at a time where the values are under 2^51 once scaled,
    /// with the same result bit for bit: the same product, rounding to even and quotient, and -0.0 turned into +0.0
    /// as the long it becomes turns it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Scale(ReadOnlySpan<double> y, int exponent, Span<long> ints)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && ints.Length >= y.Length)
        {
            var scale = Vector256.Create(PackedColumn.PowersOfTen[exponent]);
            var limit = Vector256.Create(VectorLimit);
            var magic = Vector256.Create(Magic);
            var magicBits = Vector256.Create(BitConverter.DoubleToInt64Bits(Magic));
            ref double from = ref MemoryMarshal.GetReference(y);
            ref long to = ref MemoryMarshal.GetReference(ints);
            for (; i <= y.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = Vector256.LoadUnsafe(ref from, (nuint)i);
                var scaled = exponent == 0 ? v : v * scale;
                // Out of the range of the trick (or NaN): the scalar loop below decides from here.
                if (!Vector256.LessThanAll(Vector256.Abs(scaled), limit)) break;
                var whole = Vector256.Round(scaled) + Vector256<double>.Zero;
                var back = exponent == 0 ? whole : whole / scale;
                // A value that does not come back: the scalar loop finds which.
                if (!Vector256.EqualsAll(back.AsInt64(), v.AsInt64())) break;
                ((whole + magic).AsInt64() - magicBits).StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < y.Length; i++)
        {
            if (!TryScale(y[i], exponent, out ints[i])) return i;
        }
        return y.Length;
    }

    private static int SmallestExponent(double value, int from)
    {
        for (int e = from; e < PackedColumn.PowersOfTen.Length; e++)
            if (TryScale(value, e, out _)) return e;
        return -1;
    }

    // Doubles up to 2^52 in size hold every integer exactly, so k and its double agree; the decoder divides as here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryScale(double value, int exponent, out long k)
    {
        if (exponent == 0)
        {
            // Whole numbers need no division: the value is its own integer, bit for bit (which -0.0 is not).
            k = (long)value;
            return Math.Abs(value) < 4503599627370496.0 && BitConverter.DoubleToInt64Bits(k) == BitConverter.DoubleToInt64Bits(value);
        }
        double scale = PackedColumn.PowersOfTen[exponent];
        double scaled = value * scale;
        if (!(Math.Abs(scaled) < 4503599627370496.0))
        {
            k = 0;
            return false;
        }
        k = (long)Math.Round(scaled);
        return BitConverter.DoubleToInt64Bits(k / scale) == BitConverter.DoubleToInt64Bits(value);
    }

    // The cheapest of the integers kept as they are, as steps, or as changes of step.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Order, int Size) BestOrder()
    {
        var k = _ints;
        long min0 = k[0], max0 = k[0], min1 = long.MaxValue, max1 = long.MinValue, min2 = long.MaxValue, max2 = long.MinValue;
        long lastStep = 0;
        for (int i = 1; i < N; i++)
        {
            long v = k[i];
            if (v < min0) min0 = v;
            if (v > max0) max0 = v;
            long step = v - k[i - 1];
            if (step < min1) min1 = step;
            if (step > max1) max1 = step;
            if (i >= 2)
            {
                long change = step - lastStep;
                if (change < min2) min2 = change;
                if (change > max2) max2 = change;
            }
            lastStep = step;
        }
        int size0 = DecimalSize(0, BitPacking.WidthOf((ulong)(max0 - min0)));
        int size1 = DecimalSize(1, BitPacking.WidthOf((ulong)(max1 - min1)));
        int size2 = DecimalSize(2, BitPacking.WidthOf((ulong)(max2 - min2)));
        // Ties go to the lower order: order 0 reads any value in place.
        if (size0 <= size1 && size0 <= size2) return (0, size0);
        return size1 <= size2 ? (1, size1) : (2, size2);
    }

    private static int DecimalSize(int order, int width) =>
        PackedColumn.DecimalPackedOffset(order, width) + BitPacking.BytesFor(N - order, width);

    // Fills _packed with the integers' residuals at an order (the integers, their steps, or their changes of step);
    // returns their smallest and largest. Four at a time where vectors are fast, the rest one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (long Min, long Max) Residuals(int order)
    {
        ref long k = ref MemoryMarshal.GetArrayDataReference(_ints);
        ref long to = ref Unsafe.As<ulong, long>(ref MemoryMarshal.GetArrayDataReference(_packed));
        long lo = long.MaxValue, hi = long.MinValue;
        int count = N - order, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var min = Vector256.Create(long.MaxValue);
            var max = Vector256.Create(long.MinValue);
            for (; i <= count - Vector256<long>.Count; i += Vector256<long>.Count)
            {
                var r = Vector256.LoadUnsafe(ref k, (nuint)(i + order));
                if (order >= 1) r -= Vector256.LoadUnsafe(ref k, (nuint)(i + order - 1));
                if (order == 2) r -= Vector256.LoadUnsafe(ref k, (nuint)(i + 1)) - Vector256.LoadUnsafe(ref k, (nuint)i);
                r.StoreUnsafe(ref to, (nuint)i);
                min = Vector256.Min(min, r);
                max = Vector256.Max(max, r);
            }
            for (int lane = 0; lane < Vector256<long>.Count; lane++)
            {
                lo = Math.Min(lo, min[lane]);
                hi = Math.Max(hi, max[lane]);
            }
        }
        for (; i < count; i++)
        {
            long r = Unsafe.Add(ref k, i + order);
            if (order >= 1) r -= Unsafe.Add(ref k, i + order - 1);
            if (order == 2) r -= Unsafe.Add(ref k, i + 1) - Unsafe.Add(ref k, i);
            Unsafe.Add(ref to, i) = r;
            lo = Math.Min(lo, r);
            hi = Math.Max(hi, r);
        }
        return (lo, hi);
    }

    private int WriteDecimal(int exponent, int order, int at) => WriteDecimal(exponent, order, at, Residuals(order).Min);

    // Writes a decimal block whose residuals are in _packed already.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WriteDecimal(int exponent, int order, int at, long min)
    {
        var k = _ints;
        var residuals = _packed;
        int count = N - order;
        int size = PackedColumn.HeaderBytes + 8 * (1 + order);
        _out[at] = PackedColumn.Decimal;
        _out[at + 1] = (byte)exponent;
        _out[at + 2] = (byte)order;
        if (order >= 1) WriteLong(at + PackedColumn.HeaderBytes + 8, k[0]);
        if (order == 2) WriteLong(at + PackedColumn.HeaderBytes + 16, k[1] - k[0]);
        if (order == 0) return size + PackResiduals(residuals.AsSpan(0, count), at, at + size, min);
        // The residuals go after the checkpoints; a block of equal steps (width 0) has a closed form, needs none and
        // packs no bytes, so it ends where the checkpoints would have started.
        int packedAt = at + PackedColumn.DecimalPackedOffset(order, 1);
        int packed = PackResiduals(residuals.AsSpan(0, count), at, packedAt, min);
        if (_out[at + 3] == 0) return size;
        for (int mark = 1; mark <= PackedColumn.Checkpoints; mark++)
        {
            int j = mark * PackedColumn.CheckpointPoints, cp = at + PackedColumn.DecimalCheckpointOffset(order, mark);
            WriteLong(cp, k[j]);
            if (order == 2) WriteLong(cp + 8, unchecked(k[j] - k[j - 1]));
        }
        return packedAt - at + packed;
    }

    // The cheaper of guessing each value as the one before (leading 1) or from the line through the two before (2).
    // Keeps both guesses' residuals, so the one chosen is not worked out again.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Leading, int Size, long Min) BestPrediction(ReadOnlySpan<double> y)
    {
        var (minPrev, maxPrev) = Guess(y, 1);
        var (minLine, maxLine) = Guess(y, 2);
        int sizePrev = PredictedSize(1, BitPacking.WidthOf(unchecked((ulong)(maxPrev - minPrev))));
        int sizeLine = PredictedSize(2, BitPacking.WidthOf(unchecked((ulong)(maxLine - minLine))));
        return sizePrev <= sizeLine ? (1, sizePrev, minPrev) : (2, sizeLine, minLine);
    }

    // Each value's residual against its guess from the one before (leading 1, into _fromLast) or from the line through
    // the two before (leading 2, into _fromLine), as the difference of their order-preserving integer images; returns
    // the smallest and largest. Four at a time where vectors are fast: the same doubles, sums and bits per lane.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (long Min, long Max) Guess(ReadOnlySpan<double> y, int leading)
    {
        var residuals = leading == 1 ? _fromLast : _fromLine;
        long lo = long.MaxValue, hi = long.MinValue;
        int i = leading;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double from = ref MemoryMarshal.GetReference(y);
            ref long to = ref MemoryMarshal.GetArrayDataReference(residuals);
            var min = Vector256.Create(long.MaxValue);
            var max = Vector256.Create(long.MinValue);
            for (; i <= y.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var last = Vector256.LoadUnsafe(ref from, (nuint)(i - 1));
                var guess = leading == 1 ? last : last + (last - Vector256.LoadUnsafe(ref from, (nuint)(i - 2)));
                var r = Keys(Vector256.LoadUnsafe(ref from, (nuint)i)) - Keys(guess);
                r.StoreUnsafe(ref to, (nuint)(i - leading));
                min = Vector256.Min(min, r);
                max = Vector256.Max(max, r);
            }
            for (int lane = 0; lane < Vector256<long>.Count; lane++)
            {
                lo = Math.Min(lo, min[lane]);
                hi = Math.Max(hi, max[lane]);
            }
        }
        for (; i < y.Length; i++)
        {
            double guess = leading == 1 ? y[i - 1] : PackedColumn.Predict(y[i - 1], y[i - 2]);
            long r = unchecked(PackedColumn.Key(BitConverter.DoubleToInt64Bits(y[i])) - PackedColumn.Key(BitConverter.DoubleToInt64Bits(guess)));
            residuals[i - leading] = r;
            lo = Math.Min(lo, r);
            hi = Math.Max(hi, r);
        }
        return (lo, hi);
    }

    // PackedColumn.Key of four doubles: a negative one's bits, but the sign, turned over.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Keys(Vector256<double> values)
    {
        var bits = values.AsInt64();
        return bits ^ (Vector256.LessThan(bits, Vector256<long>.Zero) & Vector256.Create(long.MaxValue));
    }

    private static int PredictedSize(int leading, int width) => PackedColumn.GuessedHeadBytes(leading) + BitPacking.BytesFor(N - leading, width);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WritePredicted(ReadOnlySpan<double> y, int leading, long min, int at)
    {
        var residuals = _packed;
        int count = N - leading;
        var from = leading == 1 ? _fromLast : _fromLine;
        for (int i = 0; i < count; i++) residuals[i] = unchecked((ulong)from[i]);
        int size = PackedColumn.GuessedHeadBytes(leading);
        _out[at] = PackedColumn.Predicted;
        _out[at + 1] = (byte)leading;
        _out[at + 2] = 0;
        for (int i = 0; i < leading; i++) WriteLong(at + PackedColumn.HeaderBytes + 8 + 8 * i, BitConverter.DoubleToInt64Bits(y[i]));
        for (int mark = 1; mark <= PackedColumn.Checkpoints; mark++)
        {
            int kept = at + PackedColumn.CheckpointOffset(leading, mark), before = mark * PackedColumn.CheckpointPoints - leading;
            for (int i = 0; i < leading; i++) WriteLong(kept + 8 * i, BitConverter.DoubleToInt64Bits(y[before + i]));
        }
        return size + PackResiduals(residuals.AsSpan(0, count), at, at + size, min);
    }

    // Frame of reference: subtracts the smallest residual, drops the trailing zero bits all share, packs the rest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PackResiduals(Span<ulong> residuals, int header, int packedAt, long min)
    {
        ulong all = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ulong at = ref MemoryMarshal.GetReference(residuals);
            var least = Vector256.Create(unchecked((ulong)min));
            var any = Vector256<ulong>.Zero;
            for (; i <= residuals.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                var r = Vector256.LoadUnsafe(ref at, (nuint)i) - least;
                r.StoreUnsafe(ref at, (nuint)i);
                any |= r;
            }
            for (int lane = 0; lane < Vector256<ulong>.Count; lane++) all |= any[lane];
        }
        for (; i < residuals.Length; i++)
        {
            ulong r = unchecked(residuals[i] - (ulong)min);
            residuals[i] = r;
            all |= r;
        }
        int shift = all == 0 ? 0 : BitOperations.TrailingZeroCount(all);
        int width = BitPacking.WidthOf(all >> shift);
        if (shift > 0)
        {
            for (int j = 0; j < residuals.Length; j++) residuals[j] >>= shift;
        }
        _out[header + 3] = (byte)width;
        _out[header + 4] = (byte)shift;
        WriteLong(header + PackedColumn.HeaderBytes, min);
        return BitPacking.Pack(residuals, width, _out, packedAt);
    }

    private void WriteLong(int at, long value) => Unsafe.WriteUnaligned(ref _out[at], value);
}
