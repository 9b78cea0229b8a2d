using System.Buffers;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// How a stream's end is told, word for word as docs/protocol.md gives it: cut short (named at the start of what it cut
/// short), ended without Finish (an error too), and the producer's dropped totals as it last sent them.
/// </summary>
public class StreamEndTests
{
    // Handshake (8), DefineSeries "s" (24), Points of 3 (64): the next frame starts at byte 96.
    private static byte[] ThreePointsThen(Action<ArrayBufferWriter<byte>> more)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w, version: 1);
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "-");
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2, 3]);
        more(w);
        return w.WrittenSpan.ToArray();
    }

    private static readonly byte[] Whole = ThreePointsThen(w => FrameWriter.WritePoints(w, 0, [4, 5, 6], [4, 5, 6]));

    [Theory]
    [InlineData(96 + 8 + 46, "producer stopped at byte 96: stream ended inside a frame: 46 of 56 payload bytes arrived; kept the 3 points received before it")]
    [InlineData(96 + 2, "producer stopped at byte 96: stream ended inside a frame header after 2 of 8 bytes; kept the 3 points received before it")]
    [InlineData(5, "producer stopped at byte 0: stream ended inside the handshake after 5 of 8 bytes; kept the 0 points received before it")]
    public async Task A_stream_cut_short_is_named_at_the_start_of_what_it_cut_short(int cut, string error)
    {
        var (store, reports) = await FrameIngestTests.Ingest(Whole[..cut], chunk: 7);
        Assert.Equal([error], reports);
        Assert.Equal(error, store.Error);
        Assert.Equal(StreamState.Disconnected, store.State);
    }

    [Fact]
    public async Task A_stream_that_ends_between_frames_without_Finish_sets_the_error_naming_where_it_ended()
    {
        var (store, reports) = await FrameIngestTests.Ingest(Whole[..96]);
        const string error = "producer disconnected without finishing after 96 bytes; kept the 3 points received";
        Assert.Equal([error], reports);
        Assert.Equal(error, store.Error);
        var producer = Assert.Single(store.ProducerStates);
        Assert.Equal((StreamState.Disconnected, error), (producer.State, producer.Error));
        Assert.Equal(3, store.TotalPoints);
    }

    [Fact]
    public async Task A_dropped_total_that_goes_down_replaces_the_one_before_and_is_no_error()
    {
        var bytes = ThreePointsThen(w =>
        {
            FrameWriter.WriteDropped(w, 0, 10);
            FrameWriter.WriteDropped(w, 0, 3);
            FrameWriter.WriteFinish(w);
        });
        var (store, reports) = await FrameIngestTests.Ingest(bytes);
        Assert.Empty(reports);
        Assert.Equal(StreamState.Finished, store.State);
        Assert.Equal(3, store.Find(0)!.ProducerDropped);
        Assert.Equal(3, store.TotalDropped);
    }
}
