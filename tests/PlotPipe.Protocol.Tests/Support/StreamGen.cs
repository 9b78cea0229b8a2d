using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>What a producer may say: one frame's worth, before it is encoded.</summary>
public abstract record Op
{
    public sealed record Define(int Id, SeriesKind Kind, string Name, string Format) : Op;
    public sealed record Points(int Id, double[] Xs, double[] Ys) : Op;
    public sealed record Dropped(int Id, long Total) : Op;
}

/// <summary>One change to a stream's bytes; <see cref="Where"/> and <see cref="Value"/> are reduced to fit the stream.</summary>
public sealed record Mutation(MutationKind Kind, int Where, long Value);

/// <summary>The ways a stream is broken: at random, and at the fields where an implementation is most likely wrong.</summary>
public enum MutationKind { FlipBit, SetByte, Truncate, Insert, Delete, FrameLength, SizeField, SeriesId, FrameType, Append, Reserved }

/// <summary>A valid stream, the changes that break it, and the sizes in which its bytes arrive.</summary>
public sealed record StreamCase(Op[] Ops, bool Finish, Mutation[] Mutations, int[] Chunks)
{
    public byte[] Valid() => StreamGen.Encode(Ops, Finish);

    public byte[] Bytes() => StreamGen.Mutate(Valid(), Mutations);

    public override string ToString() =>
        $"ops: {string.Join(", ", Ops.Select(o => o.ToString()))}{(Finish ? ", finish" : "")}\n" +
        $"mutations: {string.Join(", ", Mutations.Select(m => m.ToString()))}\nchunks: {string.Join(' ', Chunks)}\n" +
        $"bytes: {Convert.ToHexString(Bytes())}";
}

/// <summary>Generators of producer streams: valid ones from the writer, then the same broken in many ways.</summary>
public static class StreamGen
{
    // Pieces of names: ASCII, and characters of two, three and four UTF-8 bytes.
    private static readonly string[] NamePieces = ["a", "Z", "7", " ", "_", "é", "ß", "✓", "€", "中", "😀", "𝄞"];
    private static readonly string[] Colours = ["", "b", "g", "r", "c", "m", "y", "k", "w"];
    private static readonly string[] Markers = ["", "o", ".", "s", "^", "v", "x", "+", "*"];
    private static readonly string[] Styles = ["", "-", "--", ":", "-."];

    private static readonly Gen<double> Double = Gen.Frequency(
        (4, (IGen<double>)Gen.Double),
        (2, Gen.Long.Select(BitConverter.Int64BitsToDouble)),
        (2, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon,
            double.MaxValue, double.MinValue, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001))));

    private static readonly Gen<int> SeriesId = Gen.Frequency((4, (IGen<int>)Gen.Int[0, 7]), (1, Gen.Int[0, ProtocolLimits.MaxSeries - 1]));

    private static readonly Gen<string> Name = Gen.OneOf(NamePieces).Array[1, 60].Select(pieces =>
    {
        var name = new StringBuilder();
        foreach (var p in pieces)
        {
            if (Encoding.UTF8.GetByteCount(name + p) > ProtocolLimits.MaxNameBytes) break;
            name.Append(p);
        }
        return name.ToString();
    });

    private static readonly Gen<string> Format = Gen.Select(Gen.OneOf(Colours), Gen.OneOf(Markers), Gen.OneOf(Styles), Gen.Int[0, 5],
        (c, m, s, order) => order switch
        {
            0 => c + m + s, 1 => c + s + m, 2 => m + c + s, 3 => m + s + c, 4 => s + c + m, _ => s + m + c,
        });

    private static readonly Gen<Op> Define = Gen.Select(SeriesId, Gen.OneOf(SeriesKind.Scatter, SeriesKind.Line), Name, Format,
        (id, kind, name, format) => (Op)new Op.Define(id, kind, name, format));

    private static readonly Gen<Op> Points = Gen.Select(SeriesId,
        Gen.Frequency((8, (IGen<int>)Gen.Int[0, 12]), (1, Gen.Int[13, 600])),
        (id, n) => (id, n)).SelectMany(t => Gen.Select(Double.Array[t.n], Double.Array[t.n], (xs, ys) => (Op)new Op.Points(t.id, xs, ys)));

    private static readonly Gen<Op> Dropped = Gen.Select(SeriesId, Gen.Long[0, long.MaxValue], (id, total) => (Op)new Op.Dropped(id, total));

    private static readonly Gen<Op[]> Ops = Gen.Frequency((2, (IGen<Op>)Define), (5, Points), (1, Dropped)).Array[0, 14];

    private static readonly Gen<bool> Finishes = Gen.Frequency((3, (IGen<bool>)Gen.Const(true)), (1, Gen.Const(false)));

    private static readonly Gen<int[]> Chunks = Gen.Frequency((3, (IGen<int>)Gen.Int[1, 16]), (2, Gen.Int[17, 300]), (1, Gen.Int[301, 20_000])).Array[1, 8];

    private static readonly Gen<Mutation> AnyMutation = Gen.Select(
        Gen.Enum<MutationKind>(), Gen.Int[0, int.MaxValue], Gen.Long, (k, w, v) => new Mutation(k, w, v));

    /// <summary>Streams a correct producer could write, in random arrival sizes.</summary>
    public static readonly Gen<StreamCase> ValidStreams = Gen.Select(Ops, Finishes, Chunks, (ops, finish, chunks) => new StreamCase(ops, finish, [], chunks));

    /// <summary>Valid streams with one to four changes made to their bytes.</summary>
    public static readonly Gen<StreamCase> MutatedStreams = Gen.Select(Ops, Finishes, AnyMutation.Array[1, 4], Chunks,
        (ops, finish, mutations, chunks) => new StreamCase(ops, finish, mutations, chunks));

    /// <summary>The frames a valid stream must decode to, in the reference model's text form.</summary>
    public static List<string> Expected(StreamCase c)
    {
        var frames = new List<string>();
        foreach (var op in c.Ops)
        {
            frames.Add(op switch
            {
                Op.Define d => Canon.Define(d.Id, (int)d.Kind, d.Name, d.Format),
                Op.Points p => Canon.Points(p.Id, p.Xs.Select(BitConverter.DoubleToInt64Bits).ToArray(), p.Ys.Select(BitConverter.DoubleToInt64Bits).ToArray()),
                Op.Dropped d => Canon.Dropped(d.Id, d.Total),
                _ => throw new InvalidOperationException(op.ToString()),
            });
        }
        if (c.Finish) frames.Add(Canon.Finish);
        return frames;
    }

    public static byte[] Encode(Op[] ops, bool finish)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        foreach (var op in ops)
        {
            switch (op)
            {
                case Op.Define d: FrameWriter.WriteDefineSeries(w, d.Id, d.Kind, d.Name, d.Format); break;
                case Op.Points p: FrameWriter.WritePoints(w, p.Id, p.Xs, p.Ys); break;
                case Op.Dropped d: FrameWriter.WriteDropped(w, d.Id, d.Total); break;
            }
        }
        if (finish) FrameWriter.WriteFinish(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Where each frame header of a valid stream starts.</summary>
    public static List<int> FrameStarts(byte[] valid)
    {
        var starts = new List<int>();
        for (int p = ProtocolLimits.HandshakeBytes; p + ProtocolLimits.HeaderBytes <= valid.Length;)
        {
            starts.Add(p);
            p += ProtocolLimits.HeaderBytes + (int)BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(p));
        }
        return starts;
    }

    private static readonly long[] LengthBoundaries =
    [
        0, 7, 8, 9, 16, 24, 32, 224, 232, ProtocolLimits.MaxPayloadBytes - 8, ProtocolLimits.MaxPayloadBytes,
        ProtocolLimits.MaxPayloadBytes + 8L, 0x7FFF_FFF8, 0x8000_0000, 0xFFFF_FFF8, 0xFFFF_FFFF,
    ];

    private static readonly long[] CountBoundaries =
        [0, 1, 2, ProtocolLimits.MaxPointsPerFrame - 1, ProtocolLimits.MaxPointsPerFrame, ProtocolLimits.MaxPointsPerFrame + 1L, 0x1000_0000, 0xFFFF_FFFF];

    private static readonly int[] NameBoundaries = [0, 1, 2, 199, 200, 201, 255, 256, 0xFFFF];
    private static readonly int[] FormatBoundaries = [0, 1, 15, 16, 17, 128, 255];
    private static readonly long[] DroppedBoundaries = [0, 1, -1, long.MaxValue, long.MinValue];
    private static readonly int[] IdBoundaries = [0, 1, 1023, 1024, 0x7FFF, 0xFFFF];

    public static byte[] Mutate(byte[] valid, Mutation[] mutations)
    {
        var starts = FrameStarts(valid);
        var b = new List<byte>(valid);
        foreach (var m in mutations)
        {
            int at = b.Count == 0 ? 0 : m.Where % b.Count;
            int frame = starts.Count == 0 ? -1 : starts[m.Where % starts.Count];
            bool frameFits = frame >= 0 && frame + 16 <= b.Count;
            switch (m.Kind)
            {
                case MutationKind.FlipBit when b.Count > 0:
                    b[at] ^= (byte)(1 << (int)(m.Value & 7));
                    break;
                case MutationKind.SetByte when b.Count > 0:
                    b[at] = (byte)m.Value;
                    break;
                case MutationKind.Truncate:
                    b.RemoveRange(m.Where % (b.Count + 1), b.Count - m.Where % (b.Count + 1));
                    break;
                case MutationKind.Insert:
                    b.InsertRange(m.Where % (b.Count + 1), BitConverter.GetBytes(m.Value).Take(1 + (int)((ulong)m.Value % 8)));
                    break;
                case MutationKind.Delete when b.Count > 0:
                    b.RemoveRange(at, Math.Min(b.Count - at, 1 + (int)((ulong)m.Value % 16)));
                    break;
                case MutationKind.FrameLength when frame >= 0 && frame + 4 <= b.Count:
                    SetU32(b, frame, (uint)LengthBoundaries[(ulong)m.Value % (ulong)LengthBoundaries.Length]);
                    break;
                case MutationKind.SizeField when frameFits && b[frame + 4] == (byte)FrameType.Points:
                    SetU32(b, frame + 8, (uint)CountBoundaries[(ulong)m.Value % (ulong)CountBoundaries.Length]);
                    break;
                case MutationKind.SizeField when frameFits && b[frame + 4] == (byte)FrameType.DefineSeries:
                    if ((m.Value & 1) == 0)
                    {
                        int nameLength = NameBoundaries[(ulong)m.Value / 2 % (ulong)NameBoundaries.Length];
                        b[frame + 10] = (byte)nameLength;
                        b[frame + 11] = (byte)(nameLength >> 8);
                    }
                    else b[frame + 9] = (byte)FormatBoundaries[(ulong)m.Value / 2 % (ulong)FormatBoundaries.Length];
                    break;
                case MutationKind.SizeField when frameFits && b[frame + 4] == (byte)FrameType.Dropped:
                    long total = DroppedBoundaries[(ulong)m.Value % (ulong)DroppedBoundaries.Length];
                    for (int i = 0; i < 8; i++) b[frame + 8 + i] = (byte)(total >> (8 * i));
                    break;
                case MutationKind.SeriesId when frame >= 0 && frame + 8 <= b.Count:
                    int id = IdBoundaries[(ulong)m.Value % (ulong)IdBoundaries.Length];
                    b[frame + 6] = (byte)id;
                    b[frame + 7] = (byte)(id >> 8);
                    break;
                case MutationKind.FrameType when frame >= 0 && frame + 8 <= b.Count:
                    b[frame + 4] = (byte)((ulong)m.Value % 7 == 6 ? 255 : (ulong)m.Value % 7);
                    break;
                case MutationKind.Append:
                    // Often a whole valid frame, so "a frame after Finish" is tried with bytes that are otherwise fine.
                    if ((m.Value & 1) == 0) b.AddRange([0, 0, 0, 0, 4, 0, 0, 0]);
                    else b.AddRange(BitConverter.GetBytes(m.Value).Take(1 + (int)((ulong)m.Value % 8)));
                    break;
                case MutationKind.Reserved:
                    // One reserved byte anywhere the document has one: handshake, header, Points and DefineSeries prefixes, padding.
                    var reserved = ReservedBytes(valid, starts);
                    int r = reserved[(int)((ulong)m.Value % (ulong)reserved.Count)];
                    if (r < b.Count) b[r] = (byte)(1 + (ulong)m.Value / 7 % 255);
                    break;
            }
        }
        return [.. b];
    }

    private static List<int> ReservedBytes(byte[] valid, List<int> starts)
    {
        var reserved = new List<int> { 6, 7 };
        foreach (int s in starts)
        {
            reserved.Add(s + 5);
            var type = (FrameType)valid[s + 4];
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(valid.AsSpan(s));
            if (type == FrameType.Finish) reserved.AddRange([s + 6, s + 7]);
            if (type is FrameType.Points or FrameType.DefineSeries) reserved.AddRange([s + 12, s + 13, s + 14, s + 15]);
            if (type == FrameType.DefineSeries)
            {
                int used = 8 + valid[s + 9] + valid[s + 10] + 256 * valid[s + 11];
                for (int i = used; i < length; i++) reserved.Add(s + 8 + i);
            }
        }
        return reserved;
    }

    private static void SetU32(List<byte> b, int at, uint value)
    {
        for (int i = 0; i < 4; i++) b[at + i] = (byte)(value >> (8 * i));
    }
}
