using System.Buffers;
using PlotPipe.Protocol.Tests.Support;

namespace PlotPipe.Protocol.Tests;

public class FrameCodecTests
{
    private static byte[] SampleStream() => Wire.Encode(w =>
    {
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "samples", "ro");
        FrameWriter.WriteDefineSeries(w, 7, SeriesKind.Line, "lösš ✓", "b--");
        FrameWriter.WritePoints(w, 0, [0.5, -1.25, double.NaN], [1e300, double.NegativeInfinity, 3]);
        FrameWriter.WritePoints(w, 7, [1, 2], [3, 4]);
        FrameWriter.WritePoints(w, 7, [], []);
        FrameWriter.WriteDropped(w, 7, 123456789012);
        FrameWriter.WriteFinish(w);
    });

    private static readonly string[] SampleFrames =
    [
        "define 0 Scatter samples ro",
        "define 7 Line lösš ✓ b--",
        "points 0 0.5,1E+300;-1.25,-Infinity;NaN,3",
        "points 7 1,3;2,4",
        "points 7 ",
        "dropped 7 123456789012",
        "finish",
    ];

    [Fact]
    public void Every_frame_type_round_trips()
    {
        var frames = Wire.DecodeAll(new ReadOnlySequence<byte>(SampleStream()), out var rest);
        Assert.Equal(SampleFrames, frames);
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void Frames_split_at_every_byte_boundary_decode_the_same()
    {
        var bytes = SampleStream();
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var frames = Wire.DecodeAll(Segments.Split(bytes, cut), out var rest);
            Assert.Equal(SampleFrames, frames);
            Assert.True(rest.IsEmpty, $"cut at {cut} left bytes");
        }
    }

    [Fact]
    public void Frames_split_into_many_small_segments_decode_the_same()
    {
        var bytes = SampleStream();
        foreach (int step in new[] { 1, 3, 7 })
        {
            var cuts = Enumerable.Range(1, bytes.Length / step).Select(i => i * step).ToArray();
            Assert.Equal(SampleFrames, Wire.DecodeAll(Segments.Split(bytes, cuts), out _));
        }
    }

    [Fact]
    public void A_partial_stream_yields_only_whole_frames_and_waits_for_the_rest()
    {
        var bytes = SampleStream();
        for (int prefix = 0; prefix < bytes.Length; prefix++)
        {
            var frames = Wire.DecodeAll(new ReadOnlySequence<byte>(bytes, 0, prefix), out var rest);
            Assert.Equal(SampleFrames.Take(frames.Count), frames);
            Assert.True(frames.Count < SampleFrames.Length);
            Assert.True(rest.Length < bytes.Length);
        }
    }

    [Fact]
    public void Points_frames_keep_eight_byte_alignment()
    {
        var bytes = Wire.Encode(w => FrameWriter.WriteDefineSeries(w, 1, SeriesKind.Line, "abc", "k:"));
        Assert.Equal(0, bytes.Length % 8);
    }

    [Fact]
    public void Large_points_frame_round_trips_exactly()
    {
        var xs = Enumerable.Range(0, 100_000).Select(i => i * 0.5).ToArray();
        var ys = xs.Select(Math.Sin).ToArray();
        var bytes = Wire.Encode(w => FrameWriter.WritePoints(w, 3, xs, ys));
        var decoder = new FrameDecoder();
        var seq = Segments.Split(bytes, 17, 4096, 65536, 800_001);
        Assert.True(decoder.TryReadFrame(ref seq, out var frame));
        var gotX = new double[frame.PointCount];
        var gotY = new double[frame.PointCount];
        frame.CopyPoints(gotX, gotY);
        Assert.Equal(xs, gotX);
        Assert.Equal(ys, gotY);
    }

    [Fact]
    public void Writer_refuses_unequal_columns_naming_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Wire.Encode(w => FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2])));
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void Writer_refuses_a_series_id_over_the_limit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Wire.Encode(w => FrameWriter.WriteFinish(w))
            .Concat(Wire.Encode(w => FrameWriter.WritePoints(w, ProtocolLimits.MaxSeries, [1], [1]))).ToArray());
    }
}

public class DocumentedExampleTests
{
    [Fact]
    public void The_example_in_protocol_md_is_what_the_writer_produces()
    {
        var bytes = Wire.Encode(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro");
            FrameWriter.WritePoints(w, 0, [0.5], [2.0]);
            FrameWriter.WriteFinish(w);
        });
        const string documented = "50 4C 54 50 01 00 00 00 10 00 00 00 01 00 00 00 01 02 01 00 00 00 00 00 73 72 6F 00 00 00 00 00 " +
            "18 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 E0 3F 00 00 00 00 00 00 00 40 00 00 00 00 04 00 00 00";
        Assert.Equal(documented, Convert.ToHexString(bytes).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "protocol.md"));
        foreach (var line in new[] { "50 4C 54 50 01 00 00 00", "01 02 01 00 00 00 00 00  73 72 6F 00 00 00 00 00", "00 00 00 00 00 00 E0 3F" })
            Assert.Contains(line, doc);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}
