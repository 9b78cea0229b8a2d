using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PlotPipe.Viewer.Store.Codecs;

/// <summary>
/// One column of a full chunk, encoded block by block (256 values a block) so a reader decodes only the blocks it
/// touches, or kept as plain doubles when no encoding saves enough (random doubles). Immutable once made, so any
/// number of readers share it. Decoding is bit-exact: NaN payloads, -0.0, infinities and subnormals come back as
/// they went in. <see cref="ColumnEncoder"/> describes the block formats.
/// </summary>
internal sealed class PackedColumn
{
    /// <summary>Values a block holds: a chunk's summary block, so a block read lines up with a summary.</summary>
    public const int BlockPoints = 256;

    /// <summary>Block kinds, the first byte of each block.</summary>
    internal const byte Raw = 0, Decimal = 1, Predicted = 2;

    /// <summary>Bytes before a block's fixed 8-byte fields: kind, exponent or predictor, order, width, shift.</summary>
    internal const int HeaderBytes = 5;

    /// <summary>
    /// Values between a guessed block's checkpoints: each checkpoint holds the value(s) before one of these marks, so
    /// a read decodes at most this many values however far into the block it lies.
    /// </summary>
    internal const int CheckpointPoints = 64;

    /// <summary>Checkpoints a guessed block holds, one before each mark after its start.</summary>
    internal const int Checkpoints = BlockPoints / CheckpointPoints - 1;

    /// <summary>Bytes of a guessed block before its packed residuals, for a guess from <paramref name="leading"/> values.</summary>
    internal static int GuessedHeadBytes(int leading) => HeaderBytes + 8 + 8 * leading * (1 + Checkpoints);

    /// <summary>Where, from its block's start, a guessed block keeps the values before mark <paramref name="mark"/> (1 to <see cref="Checkpoints"/>).</summary>
    internal static int CheckpointOffset(int leading, int mark) => HeaderBytes + 8 + 8 * leading * mark;

    /// <summary>
    /// Where, from its block's start, a decimal block's residuals begin: after its first integer and step as its
    /// <paramref name="order"/> needs them and, of order 1 or 2 with residuals of any <paramref name="width"/>, its checkpoints.
    /// </summary>
    internal static int DecimalPackedOffset(int order, int width) =>
        HeaderBytes + 8 * (1 + order) + (order > 0 && width > 0 ? 8 * order * Checkpoints : 0);

    /// <summary>Where, from its block's start, a decimal block of order 1 or 2 keeps its integer (then, of order 2, its step) at mark <paramref name="mark"/> (1 to <see cref="Checkpoints"/>).</summary>
    internal static int DecimalCheckpointOffset(int order, int mark) => HeaderBytes + 8 * (1 + order) + 8 * order * (mark - 1);

    /// <summary>10^e for the decimal exponents a block may use; each is exact in a double.</summary>
    internal static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];

    private readonly byte[]? _bytes;
    private readonly int[]? _offsets;
    private readonly double[]? _values;

    /// <summary>Keeps <paramref name="values"/> as they are: nothing saved enough to be worth decoding.</summary>
    public PackedColumn(double[] values) => _values = values;

    /// <summary>Wraps encoded blocks: block b starts at <paramref name="offsets"/>[b]; 8 bytes of padding follow the last.</summary>
    public PackedColumn(byte[] bytes, int[] offsets)
    {
        _bytes = bytes;
        _offsets = offsets;
    }

    /// <summary>The plain values when the column was kept unencoded, else null.</summary>
    public double[]? Values => _values;

    /// <summary>Bytes this column holds, array headers included.</summary>
    public long HeldBytes => _values is not null ? 24 + _values.LongLength * 8 : 48 + _bytes!.LongLength + _offsets!.LongLength * 4;

    /// <summary>The encoded bytes (null when kept plain) and where block <paramref name="block"/> starts in them: tests read a block's layout.</summary>
    internal (byte[]? Bytes, int Start) BlockBytes(int block) => (_bytes, _offsets is null ? 0 : _offsets[block]);

    /// <summary>The kind of block <paramref name="block"/> (tests and benchmarks report what was chosen).</summary>
    internal byte KindOf(int block) => _values is not null ? Raw : _bytes![_offsets![block]];

    /// <summary>Whether <see cref="ValueAt"/> reads any value of block <paramref name="block"/> in constant time, without decoding or summing.</summary>
    public bool ReadsInPlace(int block)
    {
        if (_values is not null) return true;
        int at = _offsets![block];
        return _bytes![at] == Raw || (_bytes[at] == Decimal && (_bytes[at + 2] == 0 || _bytes[at + 3] == 0));
    }

    /// <summary>Value <paramref name="i"/>: read in place where the block allows it, else from its block decoded once per thread.</summary>
    public double ValueAt(int i)
    {
        if (_values is not null) return _values[i];
        var bytes = _bytes!;
        int block = i / BlockPoints, at = _offsets![block], j = i - block * BlockPoints;
        byte kind = bytes[at];
        if (kind == Raw) return ReadDouble(bytes, at + 1 + 8 * j);
        if (kind == Decimal)
        {
            int order = bytes[at + 2], width = bytes[at + 3], shift = bytes[at + 4];
            double scale = PowersOfTen[bytes[at + 1]];
            long @base = ReadLong(bytes, at + HeaderBytes);
            if (order == 0) return (@base + (long)(BitPacking.Unpack(bytes, at + HeaderBytes + 8, width, j) << shift)) / scale;
            if (width == 0)
            {
                // Every step (order 1) or change of step (order 2) is the same: the value has a closed form.
                long first = ReadLong(bytes, at + HeaderBytes + 8);
                if (order == 1) return unchecked(first + j * @base) / scale;
                long step = ReadLong(bytes, at + HeaderBytes + 16);
                return unchecked(first + j * step + @base * ((long)j * (j - 1) / 2)) / scale;
            }
            // Steps or changes of step: value j is the integer at the checkpoint before it plus the steps since, summed
            // in place (integers only, at most 63, far cheaper than decoding the block's 256 divisions) unless this
            // thread has the block decoded.
            if (BlockCache.Find(this, block) is { } decoded) return decoded[j];
            return Prefix(bytes, at, order, width, shift, @base, j) / scale;
        }
        // A guessed block decodes from the checkpoint before this value, only as far as it (the rest when a later read
        // needs it).
        if (kind == Predicted) return BlockCache.Range(this, block, j, j + 1)[j];
        return BlockCache.For(this, block)[j];
    }

    // The integer k of value j of a decimal block of order 1 or 2 (width > 0), by the same sums DecodeBlock makes,
    // from the checkpoint before it.
    private static long Prefix(byte[] bytes, int at, int order, int width, int shift, long @base, int j)
    {
        unchecked
        {
            int packed = at + DecimalPackedOffset(order, width);
            int mark = j / CheckpointPoints;
            if (order == 1)
            {
                int from = mark * CheckpointPoints;
                long k = mark == 0 ? ReadLong(bytes, at + HeaderBytes + 8) : ReadLong(bytes, at + DecimalCheckpointOffset(1, mark));
                for (int i = from + 1; i <= j; i++) k += @base + (long)(BitPacking.Unpack(bytes, packed, width, i - 1) << shift);
                return k;
            }
            long step;
            int next;
            long value;
            if (mark == 0)
            {
                value = ReadLong(bytes, at + HeaderBytes + 8);
                if (j == 0) return value;
                step = ReadLong(bytes, at + HeaderBytes + 16);
                value += step;
                next = 2;
            }
            else
            {
                int cp = at + DecimalCheckpointOffset(2, mark);
                value = ReadLong(bytes, cp);
                step = ReadLong(bytes, cp + 8);
                next = mark * CheckpointPoints + 1;
            }
            for (int i = next; i <= j; i++)
            {
                step += @base + (long)(BitPacking.Unpack(bytes, packed, width, i - 2) << shift);
                value += step;
            }
            return value;
        }
    }

    /// <summary>Decodes values [<paramref name="from"/>, <paramref name="to"/>) into <paramref name="into"/>.</summary>
    public void Read(int from, int to, Span<double> into)
    {
        if (_values is not null)
        {
            _values.AsSpan(from, to - from).CopyTo(into);
            return;
        }
        Span<double> block = stackalloc double[BlockPoints];
        int done = 0;
        while (from < to)
        {
            int b = from / BlockPoints, start = b * BlockPoints, end = Math.Min(to, start + BlockPoints);
            if (from == start && end == start + BlockPoints)
            {
                DecodeBlock(b, into.Slice(done, BlockPoints));
            }
            else
            {
                DecodeBlock(b, block);
                block[(from - start)..(end - start)].CopyTo(into[done..]);
            }
            done += end - from;
            from = end;
        }
    }

    /// <summary>Decodes block <paramref name="b"/> whole into <paramref name="into"/> (256 values).</summary>
    internal void DecodeBlock(int b, Span<double> into)
    {
        var bytes = _bytes!;
        int at = _offsets![b];
        byte kind = bytes[at];
        if (kind == Raw)
        {
            MemoryMarshal.Cast<byte, double>(bytes.AsSpan(at + 1, BlockPoints * 8)).CopyTo(into);
            return;
        }
        int width = bytes[at + 3], shift = bytes[at + 4];
        long @base = ReadLong(bytes, at + HeaderBytes);
        if (kind == Decimal)
        {
            int order = bytes[at + 2];
            double scale = PowersOfTen[bytes[at + 1]];
            int packed = at + DecimalPackedOffset(order, width);
            if (order == 0)
            {
                for (int i = 0; i < BlockPoints; i++)
                    into[i] = (@base + (long)(BitPacking.Unpack(bytes, packed, width, i) << shift)) / scale;
                return;
            }
            unchecked
            {
                long k = ReadLong(bytes, at + HeaderBytes + 8);
                into[0] = k / scale;
                if (order == 1)
                {
                    for (int i = 1; i < BlockPoints; i++)
                    {
                        k += @base + (long)(BitPacking.Unpack(bytes, packed, width, i - 1) << shift);
                        into[i] = k / scale;
                    }
                    return;
                }
                long step = ReadLong(bytes, at + HeaderBytes + 16);
                k += step;
                into[1] = k / scale;
                for (int i = 2; i < BlockPoints; i++)
                {
                    step += @base + (long)(BitPacking.Unpack(bytes, packed, width, i - 2) << shift);
                    k += step;
                    into[i] = k / scale;
                }
            }
            return;
        }
        DecodeGuessed(b, into, 0, BlockPoints);
    }

    /// <summary>
    /// Decodes values [<paramref name="from"/>, <paramref name="to"/>) of guessed block <paramref name="b"/> into the
    /// same places of <paramref name="into"/>. Each value is guessed from the one or two before it, so those must be
    /// this block's already, unless <paramref name="from"/> is 0 or a checkpoint's mark, whose values before it are
    /// kept: a read decodes from the mark before it, at most <see cref="CheckpointPoints"/> values.
    /// </summary>
    internal void DecodeGuessed(int b, Span<double> into, int from, int to)
    {
        var bytes = _bytes!;
        int at = _offsets![b];
        int width = bytes[at + 3], shift = bytes[at + 4];
        long @base = ReadLong(bytes, at + HeaderBytes);
        int leading = bytes[at + 1];
        int values = at + HeaderBytes + 8;
        int packedAt = at + GuessedHeadBytes(leading);
        for (int i = from; i < Math.Min(leading, to); i++) into[i] = ReadDouble(bytes, values + 8 * i);
        if (from >= CheckpointPoints && from % CheckpointPoints == 0)
        {
            int kept = at + CheckpointOffset(leading, from / CheckpointPoints);
            for (int k = 0; k < leading; k++) into[from - leading + k] = ReadDouble(bytes, kept + 8 * k);
        }
        int first = Math.Max(from, leading);
        if (width <= 56)
        {
            // Every value lies within one 8-byte read: no second read, no branch.
            ref byte start = ref bytes[packedAt];
            ulong mask = (1UL << width) - 1;
            long bit = (long)(first - leading) * width;
            if (leading == 1)
            {
                // The guess is the value before, whose image is the last key: a running sum of integers, with no
                // double to take apart between one value and the next.
                if (first >= to) return;
                long last = Key(BitConverter.DoubleToInt64Bits(into[first - 1]));
                for (int i = first; i < to; i++, bit += width)
                {
                    ulong packed = (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (int)(bit >> 3))) >> (int)(bit & 7)) & mask;
                    last = unchecked(last + @base + (long)(packed << shift));
                    into[i] = BitConverter.Int64BitsToDouble(Key(last));
                }
                return;
            }
            for (int i = first; i < to; i++, bit += width)
            {
                ulong packed = (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (int)(bit >> 3))) >> (int)(bit & 7)) & mask;
                long key = unchecked(Key(BitConverter.DoubleToInt64Bits(Predict(into[i - 1], into[i - 2]))) + @base + (long)(packed << shift));
                into[i] = BitConverter.Int64BitsToDouble(Key(key));
            }
            return;
        }
        for (int i = first; i < to; i++)
        {
            double guess = leading == 1 ? into[i - 1] : Predict(into[i - 1], into[i - 2]);
            long key = unchecked(Key(BitConverter.DoubleToInt64Bits(guess)) + @base + (long)(BitPacking.Unpack(bytes, packedAt, width, i - leading) << shift));
            into[i] = BitConverter.Int64BitsToDouble(Key(key));
        }
    }

    /// <summary>
    /// The linear guess from the two values before: a smooth signal's next value lies close to it. Encoder and
    /// decoder both call this one method on the same doubles, so the guess is the same bits on both sides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Predict(double last, double before) => last + (last - before);

    /// <summary>
    /// Maps a double's bits to a signed integer that orders as the doubles do (and back: the map is its own inverse),
    /// so values a few units in the last place apart, even across a power of two or zero, differ by a small integer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Key(long bits) => bits ^ ((bits >> 63) & long.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ReadLong(byte[] bytes, int at) => Unsafe.ReadUnaligned<long>(ref bytes[at]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ReadDouble(byte[] bytes, int at) => Unsafe.ReadUnaligned<double>(ref bytes[at]);

    /// <summary>
    /// Block <paramref name="block"/> decoded, from this thread's cache of the last four blocks it decoded: reading
    /// several values of one block (a column's picks, a search or a scan inside a block) decodes it once. The array
    /// holds until this thread decodes four other blocks.
    /// </summary>
    internal double[] CachedBlock(int block) => BlockCache.For(this, block);

    /// <summary>
    /// As <see cref="CachedBlock(int)"/>, but only values [<paramref name="from"/>, <paramref name="to"/>) of the block are
    /// sure to be decoded: a guessed block decodes from the checkpoint before <paramref name="from"/>, not its start.
    /// </summary>
    internal double[] CachedBlock(int block, int from, int to) => BlockCache.Range(this, block, from, to);

    // The four blocks a thread decoded last, the least recently used replaced first: a reader alternates between an
    // x and a y column, and a span it holds survives the next three decodes.
    private sealed class BlockCache
    {
        private const int Entries = 4;
        private const int Stretches = BlockPoints / CheckpointPoints;

        [ThreadStatic]
        private static BlockCache? t_cache;

        private readonly PackedColumn?[] _columns = new PackedColumn?[Entries];
        private readonly int[] _blocks = new int[Entries];
        private readonly long[] _used = new long[Entries];
        // Values [0, _valid[e * Stretches + s]) of stretch s (the values from checkpoint mark s on) of entry e are
        // decoded; only a guessed block is ever held part decoded, each stretch from its mark.
        private readonly int[] _valid = new int[Entries * Stretches];
        private readonly double[][] _values = [new double[BlockPoints], new double[BlockPoints], new double[BlockPoints], new double[BlockPoints]];
        private long _clock;

        /// <summary>Block <paramref name="block"/> of <paramref name="column"/> if this thread has it decoded, else null (nothing is decoded).</summary>
        public static double[]? Find(PackedColumn column, int block)
        {
            var cache = t_cache;
            if (cache is null) return null;
            for (int e = 0; e < Entries; e++)
            {
                if (ReferenceEquals(cache._columns[e], column) && cache._blocks[e] == block)
                {
                    cache._used[e] = ++cache._clock;
                    return cache._values[e];
                }
            }
            return null;
        }

        /// <summary>Block <paramref name="block"/> of <paramref name="column"/>, every value decoded.</summary>
        public static double[] For(PackedColumn column, int block) => Range(column, block, 0, BlockPoints);

        /// <summary>
        /// Block <paramref name="block"/> of <paramref name="column"/> with at least its values [<paramref name="from"/>,
        /// <paramref name="to"/>) decoded: of a guessed block, each stretch they touch from its checkpoint on.
        /// </summary>
        public static double[] Range(PackedColumn column, int block, int from, int to)
        {
            var cache = t_cache ??= new BlockCache();
            long now = ++cache._clock;
            int oldest = 0;
            for (int e = 0; e < Entries; e++)
            {
                if (ReferenceEquals(cache._columns[e], column) && cache._blocks[e] == block)
                {
                    cache._used[e] = now;
                    // Forget the entry while decoding: if decoding throws, it must not be found later half written.
                    cache._columns[e] = null;
                    cache.Complete(column, block, e, from, to);
                    cache._columns[e] = column;
                    return cache._values[e];
                }
                if (cache._used[e] < cache._used[oldest]) oldest = e;
            }
            cache._columns[oldest] = null;
            var valid = cache._valid.AsSpan(oldest * Stretches, Stretches);
            if ((from == 0 && to == BlockPoints) || column._bytes![column._offsets![block]] != Predicted)
            {
                column.DecodeBlock(block, cache._values[oldest]);
                valid.Fill(CheckpointPoints);
            }
            else
            {
                valid.Clear();
                cache.Complete(column, block, oldest, from, to);
            }
            cache._columns[oldest] = column;
            cache._blocks[oldest] = block;
            cache._used[oldest] = now;
            return cache._values[oldest];
        }

        // Decodes values [from, to) of entry e, each stretch they touch on from where it was left.
        private void Complete(PackedColumn column, int block, int e, int from, int to)
        {
            for (int s = from / CheckpointPoints; s <= (to - 1) / CheckpointPoints; s++)
            {
                ref int valid = ref _valid[e * Stretches + s];
                int mark = s * CheckpointPoints, count = Math.Min(to - mark, CheckpointPoints);
                if (valid >= count) continue;
                column.DecodeGuessed(block, _values[e], mark + valid, mark + count);
                valid = count;
            }
        }
    }
}
