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
        bytes[4] = 2;
        var e = Reject(bytes);
        Assert.Equal(4, e.ByteOffset);
        Assert.Contains("version 2", e.Message);
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
}
