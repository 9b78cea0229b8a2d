using System.Buffers;
using System.Buffers.Binary;
using System.Text.RegularExpressions;
using PlotPipe.Protocol.Tests.Support;

namespace PlotPipe.Protocol.Tests;

/// <summary>Version 2's frames: Hello, DefinePlot, DefinePanel and DefineSeries with a panel and flags.</summary>
public partial class VersionTwoTests
{
    private static readonly KeyValuePair<string, string>[] PanelProps =
        [new("title", "Loss ✓"), new("ylabel", "cross-entropy"), new("yscale", "log"), new("linkx", "false"), new("x.future_key", "anything")];

    private static byte[] SampleStream() => Wire.Encode(w =>
    {
        FrameWriter.WriteHello(w, "trainer[42] ✓", "s3cret-Token_1");
        FrameWriter.WriteDefinePlot(w, [new("title", "Training")]);
        FrameWriter.WriteDefinePanel(w, 63, PanelProps);
        FrameWriter.WriteDefinePanel(w, 2, []);
        FrameWriter.WriteDefineSeries(w, 5, SeriesKind.Line, "loss", "b-", 63, SeriesFlags.TimeX);
        FrameWriter.WriteDefineSeries(w, 6, SeriesKind.Scatter, "acc", "go", 0, SeriesFlags.None);
        FrameWriter.WritePoints(w, 5, [1.7e9], [0.5]);
        FrameWriter.WriteFinish(w);
    }, version: 2);

    private static readonly string[] SampleFrames =
    [
        "hello [trainer[42] ✓] [s3cret-Token_1]",
        "plot title=[Training]",
        "panel 63 title=[Loss ✓] ylabel=[cross-entropy] yscale=[log] linkx=[false] x.future_key=[anything]",
        "panel 2 ",
        "define 5 Line loss b- panel 63 flags 1",
        "define 6 Scatter acc go",
        "points 5 1700000000,0.5",
        "finish",
    ];

    [Fact]
    public void Version_two_frames_round_trip_split_at_every_byte()
    {
        var bytes = SampleStream();
        Assert.Equal(SampleFrames, Wire.DecodeAll(new ReadOnlySequence<byte>(bytes), out _));
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var frames = Wire.DecodeAll(Segments.Split(bytes, cut), out var rest);
            Assert.Equal(SampleFrames, frames);
            Assert.True(rest.IsEmpty, $"cut at {cut} left bytes");
        }
    }

    [Fact]
    public void Decoder_knows_the_streams_version()
    {
        foreach (ushort version in new ushort[] { 1, 2 })
        {
            var seq = new ReadOnlySequence<byte>(Wire.Encode(w => { if (version == 2) FrameWriter.WriteHello(w, "", ""); }, version: version));
            var decoder = new FrameDecoder();
            Assert.Equal(0, decoder.Version);
            while (decoder.TryReadFrame(ref seq, out _)) { }
            Assert.Equal(version, decoder.Version);
        }
    }

    [Fact]
    public void Version_two_example_in_protocol_md_is_what_the_writer_produces_byte_for_byte()
    {
        var bytes = Wire.Encode(w =>
        {
            FrameWriter.WriteHello(w, "demo", "");
            FrameWriter.WriteDefinePlot(w, [new("title", "Training")]);
            FrameWriter.WriteDefinePanel(w, 1, [new("title", "Loss"), new("yscale", "log")]);
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "b-", 1, SeriesFlags.None);
            FrameWriter.WritePoints(w, 0, [1.0], [0.5]);
            FrameWriter.WriteEvent(w, EventKind.Span, 0.5, 1.0, false, "eval");
            FrameWriter.WriteEvent(w, EventKind.Mark, 1.0, 0, false, "lr/10");
            FrameWriter.WriteFinish(w);
        }, version: 2);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(DocumentedExample()));
    }

    /// <summary>The bytes of the version 2 example in docs/protocol.md, read from its hex rows.</summary>
    internal static byte[] DocumentedExample()
    {
        var doc = File.ReadAllText(Path.Combine(DocumentedExampleTests.RepoRoot(), "docs", "protocol.md"));
        int from = doc.IndexOf("### Version 2", StringComparison.Ordinal);
        int to = doc.IndexOf("### Version 1", from, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "protocol.md has a version 2 example before the version 1 example");
        var documented = new List<byte>();
        foreach (Match m in HexRow().Matches(doc[from..to]))
            documented.AddRange(Convert.FromHexString(m.Groups[1].Value.Replace(" ", "")));
        return [.. documented];
    }

    [GeneratedRegex(@"^    ((?:[0-9A-F]{2} ){7}[0-9A-F]{2})", RegexOptions.Multiline)]
    private static partial Regex HexRow();

    [Fact]
    public void Writer_refuses_what_the_protocol_cannot_carry_naming_the_value()
    {
        Assert.Contains("\"Title\"", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteDefinePlot(w, [new("Title", "x")]))).Message);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteDefinePlot(w, [new("title", "a"), new("title", "b")]))).Message);
        Assert.Contains("\"logarithmic\"", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteDefinePanel(w, 1, [new("yscale", "logarithmic")]))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Wire.Encode(w => FrameWriter.WriteDefinePanel(w, 0, [])));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wire.Encode(w => FrameWriter.WriteDefinePanel(w, 64, [])));
        Assert.Contains("U+0020", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteHello(w, "p", "a b"))).Message);
        Assert.Contains("201", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteHello(w, new string('n', 201), ""))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "", 64, SeriesFlags.None)));
        Assert.Contains("0x0002", Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "", 0, (SeriesFlags)2))).Message);
    }

    // --- rejections: each new check of the table in protocol.md, named at its byte ---

    private static KeyValuePair<string, string> KV(string key, string value) => new(key, value);

    internal static byte[] Hello() => Wire.Encode(w => FrameWriter.WriteHello(w, "p", "t"), version: 2);

    internal static ProtocolException Reject(byte[] bytes)
    {
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var split = Segments.Split(bytes, cut);
            var d = new FrameDecoder();
            var again = Assert.Throws<ProtocolException>(() => { while (d.TryReadFrame(ref split, out _)) { } });
            var whole = new ReadOnlySequence<byte>(bytes);
            var e = Assert.Throws<ProtocolException>(() => { var d2 = new FrameDecoder(); while (d2.TryReadFrame(ref whole, out _)) { } });
            Assert.Equal(e.Message, again.Message);
        }
        var seq = new ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder();
        return Assert.Throws<ProtocolException>(() => { while (decoder.TryReadFrame(ref seq, out _)) { } });
    }

    internal static void AssertRejected(byte[] bytes, long at, string problem)
    {
        var e = Reject(bytes);
        Assert.Contains(problem, e.Problem);
        Assert.Equal(at, e.ByteOffset);
    }

    internal static byte[] Then(byte[] stream, Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        w.Write(stream);
        write(w);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void Version_three_is_refused_at_the_version_field() =>
        AssertRejected([.. "PLTP"u8, 3, 0, 0, 0], 4, "unsupported protocol version 3");

    [Fact]
    public void Version_one_stream_with_a_version_two_frame_is_refused_at_its_type()
    {
        var v1 = Wire.Encode(_ => { });
        AssertRejected(Then(v1, w => FrameWriter.WriteHello(w, "p", "")), 8 + 4, "unknown frame type 5 in a version 1 stream");
    }

    [Fact]
    public void Version_two_stream_without_Hello_first_is_refused_at_the_first_frames_type()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", ""), version: 2);
        AssertRejected(bytes, 8 + 4, "must start with a Hello frame");
    }

    [Fact]
    public void Second_Hello_is_refused_at_its_type()
    {
        var once = Hello();
        AssertRejected(Then(once, w => FrameWriter.WriteHello(w, "p", "")), once.Length + 4, "second Hello");
    }

    [Fact]
    public void Hello_with_a_series_id_is_refused_at_that_byte()
    {
        var bytes = Hello();
        bytes[8 + 7] = 1;
        AssertRejected(bytes, 8 + 7, "series id of a Hello frame");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public void DefinePanel_outside_panel_ids_one_to_63_is_refused_at_its_id(int id)
    {
        var hello = Hello();
        var bytes = Then(hello, w => FrameWriter.WriteDefinePanel(w, 1, []));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(hello.Length + 6), (ushort)id);
        AssertRejected(bytes, hello.Length + 6, $"panel id {id}");
    }

    [Fact]
    public void Hello_longer_than_its_limit_is_refused_from_its_header()
    {
        var hello = Hello();
        AssertRejected([.. hello[..8], .. Wire.Header(472, 5, 0)], 8, "Hello frame of 472 payload bytes");
    }

    [Fact]
    public void Hello_fields_are_checked_in_the_documented_order()
    {
        byte[] Payload(ushort name, ushort token, int size, Action<byte[]>? change = null)
        {
            var p = new byte[size];
            BinaryPrimitives.WriteUInt16LittleEndian(p, name);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(2), token);
            for (int i = 8; i < 8 + name + token && i < size; i++) p[i] = (byte)'a';
            change?.Invoke(p);
            return [.. "PLTP"u8, 2, 0, 0, 0, .. Wire.Header((uint)size, 5, 0), .. p];
        }
        const int P = 16;
        AssertRejected(Payload(201, 0, 216), P, "producer name of 201 bytes");
        AssertRejected(Payload(0, 257, 272), P + 2, "token of 257 bytes");
        AssertRejected(Payload(1, 1, 24), P, "takes 16 payload bytes but carries 24");
        AssertRejected(Payload(1, 1, 16, p => p[5] = 1), P + 5, "reserved bytes of a Hello frame");
        AssertRejected(Payload(2, 1, 16, p => p[9] = 0xFF), P + 9, "producer name is not valid UTF-8");
        AssertRejected(Payload(1, 2, 16, p => p[10] = (byte)'+'), P + 10, "token has byte 0x2b");
        AssertRejected(Payload(1, 1, 16, p => p[15] = 1), P + 15, "padding of a Hello frame");
    }

    [Fact]
    public void Property_fields_are_checked_in_the_documented_order()
    {
        var hello = Hello();
        long P = hello.Length + 8;
        byte[] Panel(params KeyValuePair<string, string>[] props) => Then(hello, w => FrameWriter.WriteDefinePanel(w, 1, props));
        byte[] Changed(byte[] b, int at, params byte[] values) { values.CopyTo(b, at); return b; }
        int p = hello.Length + 8;

        AssertRejected(Changed(Panel(), p, 65), P, "claims 65 properties");
        AssertRejected(Changed(Panel(), p + 3, 1), P + 3, "reserved bytes of a DefinePanel frame");
        AssertRejected(Changed(Panel(), p, 1), P + 8, "property 1 of 1 runs past the end");
        AssertRejected(Changed(Panel(KV("a", "b")), p + 8, 0), P + 8, "property key of 0 bytes");
        AssertRejected(Changed(Panel(KV("a", "b")), p + 10, 0x01, 0x04), P + 10, "property value of 1025 bytes");
        AssertRejected(Changed(Panel(KV("a", "b")), p + 10, 9), P + 8, "property 1 of 1 runs past the end");
        AssertRejected(Changed(Panel(KV("ab", "")), p + 13, (byte)'B'), P + 13, "property key has byte 0x42");
        AssertRejected(Changed(Panel(KV("ab", ""), KV("ac", "")), p + 8 + 6 + 5, (byte)'b'), P + 8 + 6 + 4, "\"ab\" is repeated");
        AssertRejected(Changed(Panel(KV("title", "ab")), p + 8 + 4 + 5 + 1, 0xC0), P + 8 + 4 + 5 + 1, "property value is not valid UTF-8");
        AssertRejected(Changed(Panel(KV("yscale", "log")), p + 8 + 4 + 6 + 2, (byte)'t'), P + 8 + 4 + 6, "\"linear\" or \"log\", found \"lot\"");
        AssertRejected(Changed(Panel(KV("linkx", "true")), p + 8 + 4 + 5, (byte)'T'), P + 8 + 4 + 5, "\"true\" or \"false\", found \"True\"");
        var padded = Panel(KV("a", "b"));
        AssertRejected(Changed(padded, p + 8 + 4 + 2, 1), P + 8 + 4 + 2, "padding of a DefinePanel frame");
        // Eight more zero bytes: the length no longer matches the entries.
        var longer = Then(hello, w => w.Write<byte>([.. Wire.Header(24, 7, 1), 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, (byte)'a', (byte)'b', 0, 0, .. new byte[8]]));
        AssertRejected(longer, P, "takes 16 payload bytes but carries 24");
    }

    [Fact]
    public void Panel_keys_in_DefinePlot_are_unknown_there_and_ignored()
    {
        var bytes = Then(Hello(), w => FrameWriter.WriteDefinePlot(w, [new("yscale", "whatever")]));
        Assert.Equal(["hello [p] [t]", "plot yscale=[whatever]"], Wire.DecodeAll(new ReadOnlySequence<byte>(bytes), out _));
    }

    [Fact]
    public void Series_in_an_undefined_panel_is_refused_at_its_panel_field()
    {
        var hello = Then(Hello(), w => FrameWriter.WriteDefinePanel(w, 3, []));
        var bytes = Then(hello, w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "", 3, SeriesFlags.None));
        Assert.Equal(3, Wire.DecodeAll(new ReadOnlySequence<byte>(bytes), out _).Count);
        bytes[hello.Length + 12] = 4;
        AssertRejected(bytes, hello.Length + 12, "series in panel 4, which no DefinePanel frame has defined");
        bytes[hello.Length + 12] = 64;
        AssertRejected(bytes, hello.Length + 12, "series in panel 64");
    }

    [Theory]
    [InlineData(0x02, 0x00, 6)]
    [InlineData(0x01, 0x80, 7)]
    public void Undefined_series_flags_are_refused_at_their_byte(byte low, byte high, int at)
    {
        var hello = Hello();
        var bytes = Then(hello, w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "", 0, SeriesFlags.TimeX));
        bytes[hello.Length + 14] = low;
        bytes[hello.Length + 15] = high;
        AssertRejected(bytes, hello.Length + 8 + at, "series flags");
    }

    [Fact]
    public void Version_one_DefineSeries_keeps_its_panel_and_flags_bytes_reserved()
    {
        var v1 = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "", 0, SeriesFlags.TimeX));
        AssertRejected(v1, 8 + 8 + 6, "reserved bytes of a DefineSeries frame");
    }
}
