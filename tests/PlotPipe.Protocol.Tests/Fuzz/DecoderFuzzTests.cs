using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CsCheck;
using PlotPipe.Protocol.Tests.Support;
using Xunit.Abstractions;

namespace PlotPipe.Protocol.Tests.Fuzz;

/// <summary>
/// The real decoder against a reference model written from docs/protocol.md, on random valid streams and on the
/// same streams broken in many ways, with the bytes arriving in random pieces. A few thousand cases run with the
/// tests (enough for the mutations to reach every documented check); set PLOTPIPE_FUZZ_CASES (e.g. 1000000) for a long run, and PLOTPIPE_FUZZ_SEED to replay a failure.
/// </summary>
public partial class DecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly long Cases =
        long.TryParse(Environment.GetEnvironmentVariable("PLOTPIPE_FUZZ_CASES"), out long n) && n > 0 ? n : 6_000;

    private static readonly string? Seed = Environment.GetEnvironmentVariable("PLOTPIPE_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    [Fact]
    public void Valid_streams_decode_to_exactly_the_frames_written_however_the_bytes_arrive()
    {
        StreamGen.ValidStreams.Sample(c =>
        {
            var bytes = c.Valid();
            var expected = StreamGen.Expected(c);
            var model = ReferenceDecoder.Decode(bytes);
            Assert.Equal(DecodeEnd.Clean, model.End);
            Assert.Equal(expected, model.Frames);
            var real = ArrivalDecoder.Decode(bytes, c.Chunks);
            Assert.Equal(DecodeEnd.Clean, real.End);
            Assert.Equal(expected, real.Frames);
        }, output.WriteLine, seed: Seed, iter: Cases, print: c => c.ToString());
    }

    [Fact]
    public void Mutated_streams_yield_the_models_frames_and_fail_at_the_models_byte()
    {
        var problems = new ConcurrentDictionary<string, long>();
        StreamGen.MutatedStreams.Sample(c =>
        {
            var bytes = c.Bytes();
            var model = ReferenceDecoder.Decode(bytes);
            // Anything but a ProtocolException escapes ArrivalDecoder and fails the case.
            var real = ArrivalDecoder.Decode(bytes, c.Chunks);
            Assert.Equal(model.ToString(), real.ToString());
            problems.AddOrUpdate(Rule(real), 1, (_, k) => k + 1);
        }, output.WriteLine, seed: Seed, iter: Cases, print: c => c.ToString());

        foreach (var (problem, count) in problems.OrderByDescending(p => p.Value)) output.WriteLine($"{count,9}  {problem}");
        // The mutations must reach the checks, not only the first one: every rule the document lists is hit.
        string[] rules =
        [
            "not a PlotPipe stream", "unsupported protocol version", "reserved handshake bytes", "exceeds the limit of",
            "not a multiple of N", "unknown frame type", "reserved header byte", "series id of a Finish frame",
            "Points frame claims", "reserved bytes of a Points frame", "series name of N bytes", "takes N payload bytes but carries",
            "reserved bytes of a DefineSeries frame", "unknown series kind", "not valid UTF", "format string \"S\" has",
            "padding of a DefineSeries frame", "Dropped frame must carry", "negative total", "Finish frame must carry no payload",
            "frame after Finish", "stream ended inside a frame", "stream ended inside a frame header", "(clean end)",
            // Version 2.
            "must start with a Hello frame", "second Hello frame", "series id of a Hello frame", "series id of a DefinePlot frame",
            "of a DefinePanel frame; defined panels take", "Hello frame of N payload bytes", "producer name of N bytes exceeds",
            "token of N bytes exceeds", "Hello frame with a N-byte name", "reserved bytes of a Hello frame", "producer name is not valid UTF",
            "token has byte", "padding of a Hello frame", "claims N properties", "reserved bytes of a DefineP", "runs past the end", "property key of N bytes", "property value of N bytes exceeds",
            "property key has byte", "is repeated", "property value is not valid UTF", "must be \"linear\" or \"log\"",
            "must be \"true\" or \"false\"", "frame with N properties takes", "padding of a DefineP",
            "which no DefinePanel frame has defined", "series flags", "in a version N stream",
            // Markers (Event, type 8).
            "Event frame of N payload bytes", "unknown event kind", "event flags", "event text of N bytes", "Event frame with a N-byte text",
            "reserved bytes of an Event frame", "event x", "reserved end of a mark", "span end", "event text is not valid UTF", "padding of an Event frame",
        ];
        if (Cases >= 6_000)
        {
            foreach (var rule in rules)
                Assert.True(problems.Keys.Any(k => k.Contains(rule, StringComparison.Ordinal)), $"no mutated stream reached \"{rule}\"");
        }
    }

    /// <summary>The rule a problem names, without the values in it, to count which checks the cases reached.</summary>
    private static string Rule(DecodeOutcome outcome)
    {
        if (outcome.End == DecodeEnd.Clean) return "(clean end)";
        var rule = Quoted().Replace(outcome.Problem, "\"S\"");
        rule = Values().Replace(rule, "V");
        return Numbers().Replace(rule, "N");
    }

    [GeneratedRegex("\"[^\"]*\"[^;]*?(?= has )")]
    private static partial Regex Quoted();

    [GeneratedRegex("0x[0-9a-f]+|U\\+[0-9A-F]+|'.'")]
    private static partial Regex Values();

    [GeneratedRegex("-?[0-9]+")]
    private static partial Regex Numbers();

    [Fact]
    public void A_stream_cut_anywhere_keeps_the_whole_frames_before_the_cut_and_is_named_truncated()
    {
        Gen.Select(StreamGen.ValidStreams, Gen.Int[0, int.MaxValue]).Sample((c, where) =>
        {
            var bytes = c.Valid();
            int cut = where % (bytes.Length + 1);
            var starts = StreamGen.FrameStarts(bytes);
            starts.Add(bytes.Length);
            int whole = starts.Count(s => s <= cut) - 1; // frames that end at or before the cut
            bool atBoundary = cut == 0 || starts.Contains(cut);
            int frameStart = cut < ProtocolLimits.HandshakeBytes ? 0 : starts.Last(s => s <= cut);

            var real = ArrivalDecoder.Decode(bytes[..cut], c.Chunks);
            Assert.Equal(StreamGen.Expected(c).Take(Math.Max(0, whole)), real.Frames);
            Assert.Equal(atBoundary ? DecodeEnd.Clean : DecodeEnd.Truncated, real.End);
            if (!atBoundary) Assert.Equal(frameStart, real.Offset);
            Assert.Equal(ReferenceDecoder.Decode(bytes[..cut]).ToString(), real.ToString());
        }, output.WriteLine, seed: Seed, iter: Cases, print: t => $"cut {t.Item2} of\n{t.Item1}");
    }
}
