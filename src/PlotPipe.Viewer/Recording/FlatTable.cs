using System.Buffers.Binary;
using System.Text;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// A table of an Arrow message's flatbuffer metadata, read with every position checked against the metadata's
/// length before it is read: a damaged offset, vtable or vector length is named in an <see cref="InvalidDataException"/>,
/// never followed outside the message's bytes (the FlatBuffers runtime trusts its input and throws whatever the
/// array access throws). Only what a recording's messages use: scalars, strings, tables, vectors of tables and of
/// 16-byte structs.
/// </summary>
internal readonly struct FlatTable
{
    private readonly byte[] _bytes;
    private readonly int _length;
    private readonly int _at;
    private readonly int _vtable;
    private readonly int _slots;

    private FlatTable(byte[] bytes, int length, long at)
    {
        _bytes = bytes;
        _length = length;
        Need(bytes, length, at, 4);
        _at = (int)at;
        long vtable = at - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(_at));
        Need(bytes, length, vtable, 4);
        _vtable = (int)vtable;
        int size = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(_vtable));
        if (size < 4 || (size & 1) != 0) throw Damaged($"a table's field list at byte {vtable} says it is {size} bytes long");
        Need(bytes, length, vtable, size);
        _slots = (size - 4) / 2;
    }

    /// <summary>The root table of the first <paramref name="length"/> bytes of <paramref name="bytes"/>.</summary>
    public static FlatTable Root(byte[] bytes, int length)
    {
        Need(bytes, length, 0, 4);
        return new FlatTable(bytes, length, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
    }

    /// <summary>Whether field <paramref name="slot"/> is present.</summary>
    public bool Has(int slot) => Field(slot) != 0;

    /// <summary>Field <paramref name="slot"/> as a byte, 0 when absent.</summary>
    public byte Byte(int slot) => Field(slot) is int o and not 0 ? Span(_at + (long)o, 1)[0] : (byte)0;

    /// <summary>Field <paramref name="slot"/> as a bool, false when absent.</summary>
    public bool Bool(int slot) => Byte(slot) != 0;

    /// <summary>Field <paramref name="slot"/> as a 16-bit integer, 0 when absent.</summary>
    public short Short(int slot) => Field(slot) is int o and not 0 ? BinaryPrimitives.ReadInt16LittleEndian(Span(_at + (long)o, 2)) : (short)0;

    /// <summary>Field <paramref name="slot"/> as a 32-bit integer, <paramref name="absent"/> when absent.</summary>
    public int Int(int slot, int absent = 0) => Field(slot) is int o and not 0 ? BinaryPrimitives.ReadInt32LittleEndian(Span(_at + (long)o, 4)) : absent;

    /// <summary>Field <paramref name="slot"/> as a 64-bit integer, 0 when absent.</summary>
    public long Long(int slot) => Field(slot) is int o and not 0 ? BinaryPrimitives.ReadInt64LittleEndian(Span(_at + (long)o, 8)) : 0;

    /// <summary>The table field <paramref name="slot"/> refers to, or null when absent.</summary>
    public FlatTable? Table(int slot) => Field(slot) is int o and not 0 ? new FlatTable(_bytes, _length, Target(_at + (long)o)) : null;

    /// <summary>The string field <paramref name="slot"/> refers to (invalid UTF-8 read as U+FFFD), or null when absent.</summary>
    public string? String(int slot)
    {
        if (Field(slot) is not (int o and not 0)) return null;
        long at = Target(_at + (long)o);
        long length = BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));
        return Encoding.UTF8.GetString(Span(at + 4, length));
    }

    /// <summary>
    /// The vector field <paramref name="slot"/> refers to, of elements of <paramref name="elementBytes"/> each, its
    /// elements checked to lie inside the metadata; empty when absent.
    /// </summary>
    public FlatVector Vector(int slot, int elementBytes)
    {
        if (Field(slot) is not (int o and not 0)) return default;
        long at = Target(_at + (long)o);
        long count = BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));
        Need(_bytes, _length, at + 4, count * elementBytes);
        return new FlatVector((int)(at + 4), (int)count, elementBytes);
    }

    /// <summary>Element <paramref name="i"/> of a vector of tables.</summary>
    public FlatTable TableAt(FlatVector vector, int i) => new(_bytes, _length, Target(vector.Start + 4L * i));

    /// <summary>The two 64-bit integers of element <paramref name="i"/> of a vector of 16-byte structs (an Arrow Buffer or FieldNode).</summary>
    public (long First, long Second) PairAt(FlatVector vector, int i)
    {
        var bytes = Span(vector.Start + 16L * i, 16);
        return (BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]));
    }

    // The field's offset from the table's start, 0 when absent (beyond the vtable, or 0 in it).
    private int Field(int slot) => slot < _slots ? BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(_vtable + 4 + 2 * slot)) : 0;

    // Where the offset stored at `at` points.
    private long Target(long at) => at + BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));

    private ReadOnlySpan<byte> Span(long at, long count)
    {
        Need(_bytes, _length, at, count);
        return _bytes.AsSpan((int)at, (int)count);
    }

    private static void Need(byte[] bytes, int length, long at, long count)
    {
        if (at < 0 || count < 0 || at > length - count || length > bytes.Length)
            throw Damaged(count <= 1 ? $"it points to byte {at}, outside its {length} bytes" : $"it points to bytes {at} to {at + count}, outside its {length} bytes");
    }

    /// <summary>Whether <paramref name="e"/> names damaged metadata relative to its message, for the reader to say where the message lies.</summary>
    public static bool IsDamage(InvalidDataException e) => e.Data.Contains(DamageKey);

    private const string DamageKey = "plotpipe.flatbuffer";

    private static InvalidDataException Damaged(string what)
    {
        var e = new InvalidDataException($"its metadata is damaged: {what}");
        e.Data[DamageKey] = true;
        return e;
    }
}
