using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PlotPipe.Viewer.Store.Codecs;

/// <summary>
/// Unsigned integers of one width, 0 to 64 bits, packed back to back in a little-endian bit stream. Value i starts at
/// bit i × width, so any one of them is read without the others. Readers rely on 8 bytes of padding after the last
/// packed byte, which <see cref="PackedColumn"/> keeps.
/// </summary>
internal static class BitPacking
{
    /// <summary>Bytes <paramref name="count"/> values of <paramref name="width"/> bits take.</summary>
    public static int BytesFor(int count, int width) => (int)(((long)count * width + 7) >> 3);

    /// <summary>Bits needed to hold <paramref name="value"/>.</summary>
    public static int WidthOf(ulong value) => 64 - System.Numerics.BitOperations.LeadingZeroCount(value);

    /// <summary>
    /// Writes <paramref name="values"/> at <paramref name="width"/> bits each from byte <paramref name="at"/> of
    /// <paramref name="into"/>, which must have room for 8 bytes past the packed ones; returns the bytes written.
    /// </summary>
    // Compiled optimized at once, as the encoder's per-value code is (ColumnEncoder).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Pack(ReadOnlySpan<ulong> values, int width, byte[] into, int at)
    {
        if (width == 0) return 0;
        // The writes below are unchecked: one check here keeps them inside the array.
        if ((uint)width > 64 || at < 0 || (long)at + BytesFor(values.Length, width) + 8 > into.Length)
            throw new ArgumentOutOfRangeException(nameof(at), at, $"{values.Length} values of {width} bits do not fit from byte {at} of {into.Length}");
        ref byte start = ref MemoryMarshal.GetArrayDataReference(into);
        ulong acc = 0;
        int filled = 0, pos = at;
        for (int i = 0; i < values.Length; i++)
        {
            ulong v = values[i];
            acc |= v << filled;
            filled += width;
            if (filled >= 64)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, pos), acc);
                pos += 8;
                filled -= 64;
                acc = filled == 0 ? 0 : v >> (width - filled);
            }
        }
        if (filled > 0) Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, pos), acc);
        return BytesFor(values.Length, width);
    }

    /// <summary>Value <paramref name="index"/> of those packed at <paramref name="width"/> bits from byte <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Unpack(byte[] from, int at, int width, int index)
    {
        if (width == 0) return 0;
        // Unchecked reads: the encoder wrote this block with 8 bytes of padding after it (see PackedColumn).
        long bit = (long)index * width;
        int pos = at + (int)(bit >> 3), shift = (int)(bit & 7);
        ref byte start = ref MemoryMarshal.GetArrayDataReference(from);
        ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, pos)) >> shift;
        if (shift + width > 64) word |= (ulong)Unsafe.Add(ref start, pos + 8) << (64 - shift);
        return width == 64 ? word : word & ((1UL << width) - 1);
    }
}
