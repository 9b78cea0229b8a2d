using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace PlotPipe.Protocol.Tests.Support;

/// <summary>What a producer may say: one frame's worth, before it is encoded.</summary>
public abstract record Op
{
    public sealed record Define(int Id, SeriesKind Kind, string Name, string Format, int Panel = 0, SeriesFlags Flags = SeriesFlags.None) : Op;
    public sealed record Points(int Id, double[] Xs, double[] Ys) : Op;
    public sealed record Dropped(int Id, long Total) : Op;
    public sealed record Event(EventKind Kind, double X, double X2, bool XIsTime, string Text) : Op;
    public sealed record Hello(string Name, string Token) : Op;
    public sealed record DefinePlot(KeyValuePair<string, string>[] Properties) : Op
    {
        public override string ToString() => $"DefinePlot {{ {string.Join(", ", Properties)} }}";
    }
    public sealed record DefinePanel(int Id, KeyValuePair<string, string>[] Properties) : Op
    {
        public override string ToString() => $"DefinePanel {{ {Id}: {string.Join(", ", Properties)} }}";
    }
}

/// <summary>One change to a stream's bytes; <see cref="Where"/> and <see cref="Value"/> are reduced to fit the stream.</summary>
public sealed record Mutation(MutationKind Kind, int Where, long Value);

/// <summary>The ways a stream is broken: at random, and at the fields where an implementation is most likely wrong.</summary>
public enum MutationKind { FlipBit, SetByte, Truncate, Insert, Delete, FrameLength, SizeField, SeriesId, FrameType, Append, Reserved, PanelField, Property, EventField }

/// <summary>A valid stream, the changes that break it, and the sizes in which its bytes arrive.</summary>
public sealed record StreamCase(Op[] Ops, bool Finish, Mutation[] Mutations, int[] Chunks)
{
    /// <summary>Version 2 streams open with a Hello; version 1 streams have none.</summary>
    public int Version => Ops.Length > 0 && Ops[0] is Op.Hello ? 2 : 1;

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

    private static readonly Gen<Op[]> OpsV1 = Gen.Frequency((2, (IGen<Op>)Define), (5, Points), (1, Dropped)).Array[0, 14];

    // Version 2: a Hello, then the version 1 frames mixed with plot and panel definitions and series placed in panels.
    private const string TokenChars = "abcXYZ019-_";
    private static readonly Gen<string> Token = Gen.Frequency(
        (3, (IGen<string>)Gen.Const("")), (3, Gen.Char[TokenChars].Array[1, 40].Select(c => new string(c))),
        (1, Gen.Char[TokenChars].Array[250, ProtocolLimits.MaxTokenBytes].Select(c => new string(c))));

    private static readonly Gen<Op> HelloOp = Gen.Select(Gen.Frequency((1, (IGen<string>)Gen.Const("")), (3, Name)), Token, (n, t) => (Op)new Op.Hello(n, t));

    private static readonly string[] Keys = ["title", "xlabel", "ylabel", "xscale", "yscale", "linkx", "linkx", "a", "c", "x.y_2"];

    private static readonly Gen<string> Text = Gen.Frequency((3, (IGen<string>)Gen.OneOf(NamePieces).Array[0, 12].Select(string.Concat)),
        (1, Gen.OneOf(NamePieces).Array[200, 400].Select(pieces =>
        {
            // Long values, up to the 1,024-byte limit and never past it.
            var text = new StringBuilder();
            foreach (var p in pieces)
            {
                if (Encoding.UTF8.GetByteCount(text + p) > ProtocolLimits.MaxPropertyValueBytes) break;
                text.Append(p);
            }
            return text.ToString();
        })));

    private static Gen<KeyValuePair<string, string>[]> Properties(bool panel) =>
        Gen.Select(Gen.OneOf(Keys), Text, Gen.Bool, (k, text, b) => new KeyValuePair<string, string>(k,
            !panel ? text : k is "xscale" or "yscale" ? (b ? "log" : "linear") : k == "linkx" ? (b ? "true" : "false") : text))
        .Array[0, 6].Select(ps => ps.DistinctBy(p => p.Key).ToArray());

    private static readonly Gen<int> PanelId = Gen.Frequency((6, (IGen<int>)Gen.Int[1, 3]), (1, Gen.Int[1, ProtocolLimits.MaxPanels - 1]));

    private static readonly Gen<Op> PlotOp = Properties(panel: false).Select(ps => (Op)new Op.DefinePlot(ps));
    private static readonly Gen<Op> PanelOp = Gen.Select(PanelId, Properties(panel: true), (id, ps) => (Op)new Op.DefinePanel(id, ps));

    private static readonly Gen<Op> DefineV2 = Gen.Select(Define, Gen.Frequency((2, (IGen<int>)Gen.Const(0)), (3, PanelId)), Gen.Bool,
        (d, panel, time) => (Op)((Op.Define)d with { Panel = panel, Flags = time ? SeriesFlags.TimeX : SeriesFlags.None }));

    private static readonly Gen<double> FiniteDouble = Double.Where(double.IsFinite);

    // Markers: a mark, or a span that does not end before it starts (x2 at x included); text never empty.
    private static readonly Gen<Op> EventOp = Gen.Select(Gen.Int[0, 2], FiniteDouble, FiniteDouble, Gen.Bool, Text,
        (shape, a, b, time, text) => (Op)(shape switch
        {
            0 => new Op.Event(EventKind.Mark, a, 0, time, text.Length == 0 ? "a" : text),
            1 => new Op.Event(EventKind.Span, Math.Min(a, b), Math.Max(a, b), time, text.Length == 0 ? "a" : text),
            _ => new Op.Event(EventKind.Span, a, a, time, text.Length == 0 ? "a" : text),
        }));

    private static readonly Gen<Op[]> OpsV2 = Gen.Select(HelloOp,
        Gen.Frequency((2, (IGen<Op>)DefineV2), (5, Points), (1, Dropped), (1, PlotOp), (2, PanelOp), (2, EventOp)).Array[0, 14],
        (hello, rest) => PlaceInDefinedPanels([hello, .. rest]));

    // A series may only name a panel defined before it: move the others to the default panel.
    private static Op[] PlaceInDefinedPanels(Op[] ops)
    {
        var defined = new HashSet<int> { 0 };
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i] is Op.DefinePanel p) defined.Add(p.Id);
            else if (ops[i] is Op.Define d && !defined.Contains(d.Panel)) ops[i] = d with { Panel = 0 };
        }
        return ops;
    }

    private static readonly Gen<Op[]> Ops = Gen.Frequency((1, (IGen<Op[]>)OpsV1), (1, OpsV2));

    private static readonly Gen<bool> Finishes = Gen.Frequency((3, (IGen<bool>)Gen.Const(true)), (1, Gen.Const(false)));

    private static readonly Gen<int[]> Chunks = Gen.Frequency((3, (IGen<int>)Gen.Int[1, 16]), (2, Gen.Int[17, 300]), (1, Gen.Int[301, 20_000])).Array[1, 8];

    // The aimed version 2 mutations weigh more: their frames are few, and each has many checks to reach.
    private static readonly Gen<MutationKind> Kind = Gen.Frequency(
        (11, (IGen<MutationKind>)Gen.Enum<MutationKind>()), (2, Gen.Const(MutationKind.PanelField)), (4, Gen.Const(MutationKind.Property)));

    private static readonly Gen<Mutation> AnyMutation = Gen.Select(
        Kind, Gen.Int[0, int.MaxValue], Gen.Long, (k, w, v) => new Mutation(k, w, v));

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
                Op.Define d => Canon.Define(d.Id, (int)d.Kind, d.Name, d.Format, d.Panel, (int)d.Flags),
                Op.Hello h => Canon.Hello(h.Name, h.Token),
                Op.DefinePlot p => Canon.Properties(6, 0, p.Properties.Select(kv => (kv.Key, kv.Value))),
                Op.DefinePanel p => Canon.Properties(7, p.Id, p.Properties.Select(kv => (kv.Key, kv.Value))),
                Op.Points p => Canon.Points(p.Id, p.Xs.Select(BitConverter.DoubleToInt64Bits).ToArray(), p.Ys.Select(BitConverter.DoubleToInt64Bits).ToArray()),
                Op.Dropped d => Canon.Dropped(d.Id, d.Total),
                Op.Event e => Canon.Event((int)e.Kind, e.XIsTime ? 1 : 0, BitConverter.DoubleToInt64Bits(e.X),
                    e.Kind == EventKind.Span ? BitConverter.DoubleToInt64Bits(e.X2) : 0, e.Text),
                _ => throw new InvalidOperationException(op.ToString()),
            });
        }
        if (c.Finish) frames.Add(Canon.Finish);
        return frames;
    }

    public static byte[] Encode(Op[] ops, bool finish)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w, ops.Length > 0 && ops[0] is Op.Hello ? (ushort)2 : (ushort)1);
        foreach (var op in ops)
        {
            switch (op)
            {
                case Op.Define d: FrameWriter.WriteDefineSeries(w, d.Id, d.Kind, d.Name, d.Format, d.Panel, d.Flags); break;
                case Op.Hello h: FrameWriter.WriteHello(w, h.Name, h.Token); break;
                case Op.DefinePlot p: FrameWriter.WriteDefinePlot(w, p.Properties); break;
                case Op.DefinePanel p: FrameWriter.WriteDefinePanel(w, p.Id, p.Properties); break;
                case Op.Points p: FrameWriter.WritePoints(w, p.Id, p.Xs, p.Ys); break;
                case Op.Dropped d: FrameWriter.WriteDropped(w, d.Id, d.Total); break;
                case Op.Event e: FrameWriter.WriteEvent(w, e.Kind, e.X, e.X2, e.XIsTime, e.Text); break;
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

    private static readonly int[] HelloLengths = [0, 8, 456, 464, 472, 480];
    private static readonly int[] PanelBoundaries = [0, 1, 2, 3, 5, 63, 64, 0xFFFF];
    private static readonly int[] FlagBoundaries = [0, 1, 2, 3, 0x100, 0x8000];
    private static readonly int[] PanelIdBoundaries = [0, 1, 2, 63, 64, 1023];
    private static readonly int[] TokenBoundaries = [0, 1, 255, 256, 257, 0xFFFF];
    private static readonly int[] PropertyCountBoundaries = [0, 1, 2, 63, 64, 65, 0xFFFF];
    private static readonly int[] KeyBoundaries = [0, 1, 2, 64, 65, 0xFFFF];
    private static readonly int[] ValueBoundaries = [0, 1, 3, 1024, 1025, 0xFFFF];
    private static readonly int[] EventTextBoundaries = [0, 1, 7, 8, 1024, 1025, 0xFFFF];
    private static readonly double[] EventXs = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MinValue, -1, 0, 1e300, double.MaxValue];

    public static byte[] Mutate(byte[] valid, Mutation[] mutations)
    {
        var starts = FrameStarts(valid);
        bool v2 = valid.Length >= 6 && valid[4] == 2;
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
                case MutationKind.SizeField when frameFits && b[frame + 4] == (byte)FrameType.Hello:
                    if ((m.Value & 1) == 0) SetU16(b, frame + 8, NameBoundaries[(ulong)m.Value / 2 % (ulong)NameBoundaries.Length]);
                    else SetU16(b, frame + 10, TokenBoundaries[(ulong)m.Value / 2 % (ulong)TokenBoundaries.Length]);
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
                    b[frame + 4] = (byte)((ulong)m.Value % 10 == 9 ? 255 : (ulong)m.Value % 10);
                    break;
                case MutationKind.PanelField when frameFits && v2 && b[frame + 4] == (byte)FrameType.DefineSeries:
                    if ((m.Value & 1) == 0) SetU16(b, frame + 12, PanelBoundaries[(ulong)m.Value / 2 % (ulong)PanelBoundaries.Length]);
                    else SetU16(b, frame + 14, FlagBoundaries[(ulong)m.Value / 2 % (ulong)FlagBoundaries.Length]);
                    break;
                case MutationKind.PanelField when frame >= 0 && frame + 8 <= b.Count && b[frame + 4] == (byte)FrameType.DefinePanel:
                    SetU16(b, frame + 6, PanelIdBoundaries[(ulong)m.Value % (ulong)PanelIdBoundaries.Length]);
                    break;
                case MutationKind.PanelField when v2 && (ulong)m.Value % 4 != 0 && b.Count >= 20 && b[12] == (byte)FrameType.Hello:
                    // The Hello's size fields, aimed: there is one Hello among many frames.
                    ulong variant = (ulong)m.Value % 4, boundary = (ulong)m.Value / 4;
                    if (variant == 1) SetU16(b, 16, NameBoundaries[boundary % (ulong)NameBoundaries.Length]);
                    else if (variant == 2) SetU16(b, 18, TokenBoundaries[boundary % (ulong)TokenBoundaries.Length]);
                    else SetU32(b, 8, (uint)HelloLengths[boundary % (ulong)HelloLengths.Length]);
                    break;
                case MutationKind.PanelField when valid.Length >= 8 && (ulong)m.Value % 4 == 0:
                    // Swap the version: a version 1 stream read as 2 lacks its Hello; a version 2 stream read as 1 has unknown frames.
                    if (b.Count > 4) b[4] = (byte)(v2 ? 1 : 2);
                    break;
                case MutationKind.Property:
                    // Aimed at a property frame, which are few among the Points frames.
                    var propertyFrames = starts.FindAll(s => valid[s + 4] is (byte)FrameType.DefinePlot or (byte)FrameType.DefinePanel);
                    if (propertyFrames.Count == 0) break;
                    int pf = propertyFrames[m.Where % propertyFrames.Count];
                    if (pf + 16 <= b.Count && b[pf + 4] is (byte)FrameType.DefinePlot or (byte)FrameType.DefinePanel) MutateProperties(b, pf, m.Value);
                    break;
                case MutationKind.EventField:
                    // Aimed at an Event frame's fields: kind, flags, text length, x and x2, each at its boundaries.
                    var eventFrames = starts.FindAll(s => valid[s + 4] == (byte)FrameType.Event);
                    if (eventFrames.Count == 0) break;
                    int ef = eventFrames[m.Where % eventFrames.Count];
                    if (ef + 32 > b.Count || b[ef + 4] != (byte)FrameType.Event) break;
                    ulong choice = (ulong)m.Value / 5;
                    switch ((ulong)m.Value % 5)
                    {
                        case 0: b[ef + 8] = (byte)(choice % 4); break;
                        case 1: b[ef + 9] = (byte)(1 << (int)(choice % 8)); break;
                        case 2: SetU16(b, ef + 10, EventTextBoundaries[choice % (ulong)EventTextBoundaries.Length]); break;
                        case 3: SetU64(b, ef + 16, EventXs[choice % (ulong)EventXs.Length]); break;
                        default: SetU64(b, ef + 24, EventXs[choice % (ulong)EventXs.Length]); break;
                    }
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
            bool v2 = valid[4] == 2;
            if (type is FrameType.Hello or FrameType.DefinePlot) reserved.AddRange([s + 6, s + 7]);
            if (type is FrameType.Points or FrameType.Hello || type == FrameType.DefineSeries && !v2) reserved.AddRange([s + 12, s + 13, s + 14, s + 15]);
            if (type is FrameType.DefinePlot or FrameType.DefinePanel) reserved.AddRange([s + 10, s + 11, s + 12, s + 13, s + 14, s + 15]);
            if (type == FrameType.Event)
            {
                reserved.AddRange([s + 6, s + 7, s + 12, s + 13, s + 14, s + 15]);
                if (valid[s + 8] == (byte)EventKind.Mark) for (int i = 16; i < 24; i++) reserved.Add(s + 8 + i);
            }
            int used = type switch
            {
                FrameType.DefineSeries => 8 + valid[s + 9] + valid[s + 10] + 256 * valid[s + 11],
                FrameType.Hello => 8 + U16(valid, s + 8) + U16(valid, s + 10),
                FrameType.DefinePlot or FrameType.DefinePanel => PropertiesEnd(valid, s),
                FrameType.Event => 24 + U16(valid, s + 10),
                _ => length,
            };
            for (int i = used; i < length; i++) reserved.Add(s + 8 + i);
        }
        return reserved;
    }

    private static int U16(byte[] b, int at) => b[at] | b[at + 1] << 8;

    // Payload offset just past the last entry of a valid DefinePlot or DefinePanel frame at s.
    private static int PropertiesEnd(byte[] valid, int s)
    {
        int e = 8;
        for (int i = U16(valid, s + 8); i > 0; i--) e += 4 + U16(valid, s + 8 + e) + U16(valid, s + 8 + e + 2);
        return e;
    }

    /// <summary>Breaks one property frame where implementations go wrong: the count, the first entry's sizes, a repeated key, a bad value.</summary>
    private static void MutateProperties(List<byte> b, int frame, long value)
    {
        int p = frame + 8;
        int count = b[p] | b[p + 1] << 8;
        ulong pick = (ulong)value / 8;
        int first = p + 8;
        switch ((ulong)value % 8)
        {
            case 0:
                SetU16(b, p, PropertyCountBoundaries[pick % (ulong)PropertyCountBoundaries.Length]);
                break;
            case 1 when count > 0 && first + 4 <= b.Count:
                SetU16(b, first, KeyBoundaries[pick % (ulong)KeyBoundaries.Length]);
                break;
            case 2 when count > 0 && first + 4 <= b.Count:
                SetU16(b, first + 2, ValueBoundaries[pick % (ulong)ValueBoundaries.Length]);
                break;
            case 3 when count > 0:
                // The first entry given twice, the frame's count, length and padding made to fit.
                int length = (int)(b[frame] | (uint)b[frame + 1] << 8 | (uint)b[frame + 2] << 16 | (uint)b[frame + 3] << 24);
                if (p + length > b.Count || length < 12) break;
                int k1 = b[first] | b[first + 1] << 8, v1 = b[first + 2] | b[first + 3] << 8;
                int end = p + 8;
                // Earlier mutations may have broken the entries: then this one leaves the frame alone.
                for (int i = 0; i < count && end + 4 <= p + length; i++) end += 4 + (b[end] | b[end + 1] << 8) + (b[end + 2] | b[end + 3] << 8);
                if (end > p + length || first + 4 + k1 + v1 > end) break;
                var payload = new List<byte>(b.GetRange(p, 8));
                payload[0] = (byte)(count + 1);
                payload[1] = (byte)((count + 1) >> 8);
                payload.AddRange(b.GetRange(first, 4 + k1 + v1));
                payload.AddRange(b.GetRange(first, end - first));
                while (payload.Count % 8 != 0) payload.Add(0);
                b.RemoveRange(p, length);
                b.InsertRange(p, payload);
                SetU32(b, frame, (uint)payload.Count);
                break;
            case 4 or 5 or 6 or 7:
                // The first byte of a scale (4, 5) or link (6, 7) value, else of the first value: a defined key's value made invalid.
                bool scale = (ulong)value % 8 < 6;
                int entry = first, target = -1;
                for (int i = 0; i < count && entry + 4 <= b.Count; i++)
                {
                    int kl = b[entry] | b[entry + 1] << 8, vl = b[entry + 2] | b[entry + 3] << 8;
                    if (entry + 4 + kl > b.Count) break;
                    string key = Encoding.Latin1.GetString([.. b.GetRange(entry + 4, kl)]);
                    if (target < 0 || (scale ? key is "xscale" or "yscale" : key == "linkx"))
                        target = entry + 4 + kl;
                    entry += 4 + kl + vl;
                }
                if (target >= 0 && target < b.Count) b[target] = (byte)'X';
                break;
        }
    }

    private static void SetU16(List<byte> b, int at, int value)
    {
        b[at] = (byte)value;
        b[at + 1] = (byte)(value >> 8);
    }

    private static void SetU64(List<byte> b, int at, double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        for (int i = 0; i < 8; i++) b[at + i] = (byte)(bits >> (8 * i));
    }

    private static void SetU32(List<byte> b, int at, uint value)
    {
        for (int i = 0; i < 4; i++) b[at + i] = (byte)(value >> (8 * i));
    }
}
