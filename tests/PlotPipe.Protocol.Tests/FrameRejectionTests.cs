using System.Buffers;
using PlotPipe.Protocol.Tests.Support;

namespace PlotPipe.Protocol.Tests;

public class FrameRejectionTests
{
    private static ProtocolException Reject(byte[] bytes, int cut = 0)
    {
        var seq = cut > 0 ? Segments.Split(bytes, cut) : new ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder();
        return Assert.Throws<ProtocolException>(() =>
        {
            while (decoder.TryReadFrame(ref seq, out _)) { }
        });
    }

    private static byte[] Valid() => Wire.Encode(w =>
    {
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro");
        FrameWriter.WritePoints(w, 0, [1, 2], [3, 4]);
    });

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(13)]
    public void Unknown_frame_type_is_rejected_at_its_type_byte(int cut)
    {
        var good = Valid();
        var bytes = good.Concat(Wire.Header(0, 9, 0)).ToArray();
        var e = Reject(bytes, cut);
        Assert.Equal(good.Length + 4, e.ByteOffset);
        Assert.Contains("unknown frame type 9", e.Message);
        Assert.StartsWith($"byte {good.Length + 4}:", e.Message);
    }

    [Fact]
    public void Oversized_frame_is_rejected_before_its_payload_arrives()
    {
        var good = Valid();
        // Only the header: the decoder must not wait for (or buffer) 100 MB to say no.
        var bytes = good.Concat(Wire.Header(100_000_008, 2, 0)).ToArray();
        var e = Reject(bytes);
        Assert.Equal(good.Length, e.ByteOffset);
        Assert.Contains("exceeds the limit", e.Message);
    }

    [Fact]
    public void Points_count_that_disagrees_with_the_length_is_rejected()
    {
        var good = Valid();
        var header = Wire.Header(8 + 16, 2, 0);
        var payload = new byte[24];
        payload[0] = 5; // claims 5 points, carries 1
        var e = Reject(good.Concat(header).Concat(payload).ToArray());
        Assert.Equal(good.Length + 8, e.ByteOffset);
        Assert.Contains("claims 5 points", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_rejected_at_the_first_differing_byte()
    {
        var e = Reject("PLTX\u0001\0\0\0"u8.ToArray());
        Assert.Equal(3, e.ByteOffset);
        Assert.Contains("not a PlotPipe stream", e.Message);
    }

    [Fact]
    public void Text_instead_of_frames_is_rejected_at_once()
    {
        var e = Reject("1.0 2.0\n"u8.ToArray()[..2]);
        Assert.Equal(0, e.ByteOffset);
    }

    [Fact]
    public void Unsupported_version_is_named()
    {
        var bytes = Wire.Encode(_ => { });
        bytes[4] = 3;
        var e = Reject(bytes);
        Assert.Equal(4, e.ByteOffset);
        Assert.Contains("version 3", e.Message);
    }

    [Fact]
    public void Payload_length_not_a_multiple_of_eight_is_rejected()
    {
        var good = Valid();
        var e = Reject(good.Concat(Wire.Header(12, 2, 0)).Concat(new byte[12]).ToArray());
        Assert.Contains("multiple of 8", e.Message);
    }

    [Fact]
    public void Series_id_over_the_limit_is_rejected_at_its_bytes()
    {
        var good = Valid();
        var e = Reject(good.Concat(Wire.Header(0, 4, 5000)).ToArray());
        Assert.Equal(good.Length + 6, e.ByteOffset);
    }

    [Fact]
    public void Invalid_format_string_in_a_definition_is_rejected_naming_it()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro"));
        int formatAt = 8 + 8 + 8 + 1; // handshake, header, prefix, one name byte
        bytes[formatAt] = (byte)'z';
        var e = Reject(bytes);
        Assert.Equal(formatAt, e.ByteOffset);
        Assert.Contains("'z'", e.Message);
    }

    [Fact]
    public void Truncated_frame_at_the_end_is_named_with_its_offset()
    {
        var good = Valid();
        var more = Wire.Encode(w => FrameWriter.WritePoints(w, 0, [5, 6, 7], [8, 9, 10]), handshake: false);
        var bytes = good.Concat(more[..20]).ToArray();
        var decoder = new FrameDecoder();
        var seq = Segments.Split(bytes, 11);
        while (decoder.TryReadFrame(ref seq, out _)) { }
        var e = decoder.Truncated(seq);
        Assert.Equal(good.Length, e.ByteOffset);
        Assert.Contains("12 of 56 payload bytes", e.Message);
    }

    [Fact]
    public void Truncated_handshake_is_named()
    {
        var decoder = new FrameDecoder();
        var seq = new ReadOnlySequence<byte>("PLT"u8.ToArray());
        Assert.False(decoder.TryReadFrame(ref seq, out _));
        Assert.Contains("inside the handshake after 3 of 8 bytes", decoder.Truncated(seq).Message);
    }

    // Offsets below count from the start of the stream: handshake 8 bytes, then each frame's 8-byte header.
    private const int PayloadAt = ProtocolLimits.HeaderBytes;

    [Fact]
    public void Reserved_handshake_bytes_are_named_at_the_first_set_byte()
    {
        var bytes = Wire.Encode(_ => { });
        bytes[7] = 0x40;
        var e = Reject(bytes);
        Assert.Equal(7, e.ByteOffset);
        Assert.Contains("reserved handshake bytes must be zero", e.Message);
    }

    [Theory]
    [InlineData(4, 0x01)]
    [InlineData(7, 0x80)]
    public void Reserved_bytes_of_a_points_frame_are_named_at_the_first_set_byte(int index, byte value)
    {
        var good = Valid();
        var more = Wire.Encode(w => FrameWriter.WritePoints(w, 0, [5], [6]), handshake: false);
        more[PayloadAt + index] = value;
        var e = Reject(good.Concat(more).ToArray(), cut: good.Length + 11);
        Assert.Equal(good.Length + PayloadAt + index, e.ByteOffset);
        Assert.Contains("reserved bytes of a Points frame must be zero", e.Message);
    }

    [Fact]
    public void Reserved_bytes_of_a_definition_are_named_at_the_first_set_byte()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "b-"));
        bytes[8 + PayloadAt + 5] = 1;
        bytes[8 + PayloadAt + 6] = 1;
        var e = Reject(bytes);
        Assert.Equal(8 + PayloadAt + 5, e.ByteOffset);
        Assert.Contains("reserved bytes of a DefineSeries frame must be zero", e.Message);
    }

    [Fact]
    public void Padding_of_a_definition_is_named_at_the_first_set_byte()
    {
        // "s" and "b-": 8 + 1 + 2 = 11 bytes used, 5 bytes of padding.
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "b-"));
        bytes[8 + PayloadAt + 13] = (byte)' ';
        var e = Reject(bytes, cut: 21);
        Assert.Equal(8 + PayloadAt + 13, e.ByteOffset);
        Assert.Contains("padding of a DefineSeries frame must be zero", e.Message);
    }

    [Fact]
    public void Definition_longer_than_its_name_and_format_is_named_at_its_format_length()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "b-"));
        bytes[8] = 24; // 16 payload bytes are right; claim 24 and add 8 more
        var e = Reject(bytes.Concat(new byte[8]).ToArray());
        Assert.Equal(8 + PayloadAt + 1, e.ByteOffset);
        Assert.Contains("takes 16 payload bytes but carries 24", e.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_name_is_named_at_its_first_bad_sequence()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "aé✓b", "o"));
        int nameAt = 8 + PayloadAt + ProtocolLimits.DefinePrefixBytes;
        bytes[nameAt + 4] = (byte)'A'; // the second byte of "✓" (E2 9C 93): its sequence starts at nameAt + 3
        var e = Reject(bytes);
        Assert.Equal(nameAt + 3, e.ByteOffset);
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Theory]
    [InlineData("rb", 1, "two colours")]
    [InlineData("o-é", 2, "unknown character U+00E9")]
    [InlineData("r\u001b[", 1, "format string \"r?[\" has unknown character U+001B")]
    public void Bad_format_is_named_at_the_character_that_cannot_stand_there(string format, int index, string problem)
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ooo"));
        int formatAt = 8 + PayloadAt + ProtocolLimits.DefinePrefixBytes + 1;
        bytes[8 + PayloadAt + 1] = (byte)format.Length;
        for (int i = 0; i < 3; i++) bytes[formatAt + i] = i < format.Length ? (byte)format[i] : (byte)0;
        var e = Reject(bytes);
        Assert.Equal(formatAt + index, e.ByteOffset);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [Fact]
    public void A_frame_after_finish_is_named_at_its_first_byte_and_every_frame_before_it_is_kept()
    {
        var good = Wire.Encode(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro");
            FrameWriter.WritePoints(w, 0, [1, 2], [3, 4]);
            FrameWriter.WriteFinish(w);
        });
        var late = Wire.Encode(w => FrameWriter.WritePoints(w, 0, [5], [6]), handshake: false);
        var decoder = new FrameDecoder();
        var seq = Segments.Split(good.Concat(late).ToArray(), good.Length + 3);
        var seen = new List<string>();
        var e = Assert.Throws<ProtocolException>(() =>
        {
            while (decoder.TryReadFrame(ref seq, out var frame)) seen.Add(Wire.Describe(frame));
        });
        Assert.Equal(good.Length, e.ByteOffset);
        Assert.Contains("frame after Finish", e.Message);
        Assert.Equal(["define 0 Scatter s ro", "points 0 1,3;2,4", "finish"], seen);
    }

    [Fact]
    public void One_byte_after_finish_is_refused_without_waiting_for_a_whole_header()
    {
        var good = Wire.Encode(w => FrameWriter.WriteFinish(w));
        var e = Reject([.. good, 0]);
        Assert.Equal(good.Length, e.ByteOffset);
        Assert.Contains("frame after Finish", e.Message);
    }

    [Fact]
    public void Finish_carrying_a_series_id_is_named_at_the_first_set_byte()
    {
        var good = Valid();
        var e = Reject(good.Concat(Wire.Header(0, 4, 0x0300)).ToArray());
        Assert.Equal(good.Length + 7, e.ByteOffset);
        Assert.Contains("series id of a Finish frame must be zero", e.Message);
    }

    [Fact]
    public void Negative_dropped_total_is_named_at_its_payload()
    {
        var good = Valid();
        var e = Reject(good.Concat(Wire.Header(8, 3, 0)).Concat(BitConverter.GetBytes(-5L)).ToArray());
        Assert.Equal(good.Length + PayloadAt, e.ByteOffset);
        Assert.Contains("negative total -5", e.Message);
    }

    [Fact]
    public void A_header_with_several_faults_is_named_by_the_first_check_in_the_documented_order()
    {
        // Length not a multiple of 8, unknown type, reserved byte set and id too large: the length is named.
        var good = Valid();
        var e = Reject(good.Concat(Wire.Header(12, 9, 5000, reserved: 1)).ToArray());
        Assert.Equal(good.Length, e.ByteOffset);
        Assert.Contains("multiple of 8", e.Message);
        // With the length mended, the type at byte 4 comes next.
        e = Reject(good.Concat(Wire.Header(16, 9, 5000, reserved: 1)).ToArray());
        Assert.Equal(good.Length + 4, e.ByteOffset);
    }
}
