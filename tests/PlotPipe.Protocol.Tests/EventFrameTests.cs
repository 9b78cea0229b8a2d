using System.Buffers;
using System.Buffers.Binary;
using PlotPipe.Protocol.Tests.Support;
using static PlotPipe.Protocol.Tests.VersionTwoTests;

namespace PlotPipe.Protocol.Tests;

/// <summary>Frame type 8, Event: markers from the program, as docs/protocol.md lays them out and checks them.</summary>
public class EventFrameTests
{
    [Fact]
    public void Documented_example_decodes_to_its_span_and_mark()
    {
        var frames = Wire.DecodeAll(new ReadOnlySequence<byte>(DocumentedExample()), out var rest);
        Assert.True(rest.IsEmpty);
        Assert.Equal(["span 0.5..1 [eval]", "mark 1 [lr/10]", "finish"], frames[^3..]);
    }

    private static byte[] EventStream() => Then(Hello(), w =>
    {
        FrameWriter.WriteEvent(w, EventKind.Mark, 12, 0, false, "learning rate dropped");
        FrameWriter.WriteEvent(w, EventKind.Span, 1.7e9, 1.7e9 + 30, true, "évaluation ✓ 😀");
        FrameWriter.WriteEvent(w, EventKind.Span, -3, -3, false, new string('t', ProtocolLimits.MaxEventTextBytes));
        FrameWriter.WriteFinish(w);
    });

    [Fact]
    public void Events_round_trip_split_at_every_byte()
    {
        var bytes = EventStream();
        string[] expected =
        [
            "hello [p] [t]", "mark 12 [learning rate dropped]", "span 1700000000..1700000030 time [évaluation ✓ 😀]",
            $"span -3..-3 [{new string('t', 1024)}]", "finish",
        ];
        Assert.Equal(expected, Wire.DecodeAll(new ReadOnlySequence<byte>(bytes), out _));
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(expected, Wire.DecodeAll(Segments.Split(bytes, cut), out var rest));
            Assert.True(rest.IsEmpty, $"cut at {cut} left bytes");
        }
    }

    [Fact]
    public void A_mark_reads_with_no_end_and_a_time_span_with_its_flag()
    {
        var seq = new ReadOnlySequence<byte>(EventStream());
        var decoder = new FrameDecoder();
        var events = new List<PlotEvent>();
        while (decoder.TryReadFrame(ref seq, out var frame))
            if (frame.Type == FrameType.Event) events.Add(frame.ReadEvent());
        Assert.Equal(new PlotEvent(EventKind.Mark, 12, null, false, "learning rate dropped"), events[0]);
        Assert.Equal(new PlotEvent(EventKind.Span, 1.7e9, 1.7e9 + 30, true, "évaluation ✓ 😀"), events[1]);
    }

    [Fact]
    public void Version_one_stream_with_an_Event_is_refused_at_its_type()
    {
        var v1 = Wire.Encode(_ => { });
        AssertRejected(Then(v1, w => FrameWriter.WriteEvent(w, EventKind.Mark, 1, 0, false, "x")), 8 + 4, "unknown frame type 8 in a version 1 stream");
    }

    [Fact]
    public void Event_with_a_series_id_is_refused_at_that_byte()
    {
        var hello = Hello();
        var bytes = Then(hello, w => FrameWriter.WriteEvent(w, EventKind.Mark, 1, 0, false, "x"));
        bytes[hello.Length + 6] = 3;
        AssertRejected(bytes, hello.Length + 6, "series id of a Event frame");
    }

    [Theory]
    [InlineData(24)]
    [InlineData(1056)]
    public void Event_of_a_length_outside_32_to_1048_is_refused_from_its_header(uint length)
    {
        var hello = Hello();
        AssertRejected([.. hello, .. Wire.Header(length, 8, 0)], hello.Length, $"Event frame of {length} payload bytes; it takes 32 to 1048");
    }

    [Fact]
    public void Event_fields_are_checked_in_the_documented_order_each_named_at_its_byte()
    {
        var hello = Hello();
        int P = hello.Length + 8;
        byte[] Mark(string text = "abc") => Then(hello, w => FrameWriter.WriteEvent(w, EventKind.Mark, 1, 0, false, text));
        byte[] Span() => Then(hello, w => FrameWriter.WriteEvent(w, EventKind.Span, 1, 2, false, "abc"));
        byte[] Changed(byte[] b, int at, params byte[] values) { values.CopyTo(b, at); return b; }
        byte[] Double(byte[] b, int at, double x) { BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(at), x); return b; }

        AssertRejected(Changed(Mark(), P, 3), P, "unknown event kind 3");                                    // 45
        AssertRejected(Changed(Mark(), P + 1, 2), P + 1, "event flags 0x02");                               // 46
        AssertRejected(Changed(Mark(), P + 2, 0), P + 2, "event text of 0 bytes");                          // 47
        AssertRejected(Changed(Mark(), P + 2, 0x01, 0x04), P + 2, "event text of 1025 bytes");
        AssertRejected(Changed(Mark(), P + 2, 9), P + 2, "takes 40 payload bytes but carries 32");          // 48
        AssertRejected(Changed(Mark(), P + 6, 1), P + 6, "reserved bytes of an Event frame");               // 49
        AssertRejected(Double(Mark(), P + 8, double.NaN), P + 8, "event x NaN is not a finite number");     // 50
        AssertRejected(Double(Mark(), P + 8, double.NegativeInfinity), P + 8, "event x -Infinity");
        AssertRejected(Changed(Mark(), P + 20, 1), P + 20, "reserved end of a mark");                      // 51
        AssertRejected(Double(Span(), P + 16, 0.5), P + 16, "span end 0.5 is not a finite number at or after its start 1"); // 52
        AssertRejected(Double(Span(), P + 16, double.PositiveInfinity), P + 16, "span end Infinity");
        AssertRejected(Changed(Mark(), P + 25, 0xC3), P + 25, "event text is not valid UTF-8");            // 53 (incomplete at the end)
        AssertRejected(Changed(Mark(), P + 24, 0xFF), P + 24, "event text is not valid UTF-8");
        AssertRejected(Changed(Mark(), P + 30, 1), P + 30, "padding of an Event frame");                   // 54
        // An earlier check wins over a later one in the same frame.
        AssertRejected(Changed(Double(Mark(), P + 8, double.NaN), P + 1, 4), P + 1, "event flags");
    }

    [Fact]
    public void Writer_refuses_a_marker_the_protocol_cannot_carry_naming_the_value()
    {
        static ArgumentException Refused(EventKind kind, double x, double x2, string text) =>
            Assert.ThrowsAny<ArgumentException>(() => Wire.Encode(w => FrameWriter.WriteEvent(w, kind, x, x2, false, text), version: 2));

        Assert.Equal("text", Refused(EventKind.Mark, 1, 0, "").ParamName);
        Assert.Contains("empty", Refused(EventKind.Mark, 1, 0, "").Message);
        Assert.Contains("1025 UTF-8 bytes", Refused(EventKind.Mark, 1, 0, new string('é', 512) + "a").Message);
        Assert.Contains("lone surrogate", Refused(EventKind.Mark, 1, 0, "a\ud800b").Message);
        var nan = Refused(EventKind.Mark, double.NaN, 0, "t");
        Assert.Equal("x", nan.ParamName);
        Assert.Contains("NaN", nan.Message);
        var backwards = Refused(EventKind.Span, 5, 3, "t");
        Assert.Equal("x2", backwards.ParamName);
        Assert.Contains("span ends at 3, before it starts at 5", backwards.Message);
        Assert.Contains("Infinity", Refused(EventKind.Span, 5, double.PositiveInfinity, "t").Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Wire.Encode(w => FrameWriter.WriteEvent(w, (EventKind)3, 1, 1, false, "t")));
    }
}
