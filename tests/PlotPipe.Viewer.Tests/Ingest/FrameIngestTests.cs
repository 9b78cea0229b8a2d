using System.Buffers;
using System.IO.Pipelines;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Ingest;

public class FrameIngestTests
{
    private static byte[] Frames(Action<ArrayBufferWriter<byte>> write)
    {
        // Version 1 streams, which a viewer keeps accepting; VersionTwoIngestTests covers version 2.
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w, version: 1);
        write(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Runs ingest over <paramref name="bytes"/> arriving in writes of <paramref name="chunk"/> bytes; returns the store and the problems reported.</summary>
    internal static async Task<(PlotStore Store, List<string> Reports)> Ingest(byte[] bytes, int chunk = 4096)
    {
        var store = new PlotStore();
        var reports = new List<string>();
        var pipe = new Pipe();
        var ingest = new FrameIngest(store, reports.Add).RunAsync(pipe.Reader, CancellationToken.None);
        // Feed in small writes so frames straddle reads, as they do from a real pipe.
        for (int at = 0; at < bytes.Length; at += chunk)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
        }
        await pipe.Writer.CompleteAsync();
        await ingest;
        return (store, reports);
    }

    [Fact]
    public async Task Points_land_in_the_store_exactly_and_finish_marks_the_stream()
    {
        var xs = Enumerable.Range(0, 200_000).Select(i => (double)i).ToArray();
        var bytes = Frames(w =>
        {
            FrameWriter.WriteDefineSeries(w, 3, SeriesKind.Line, "line", "b-");
            FrameWriter.WritePoints(w, 3, xs, xs.Select(x => -x).ToArray());
            FrameWriter.WriteDropped(w, 3, 17);
            FrameWriter.WriteFinish(w);
        });
        var (store, reports) = await Ingest(bytes, chunk: 1000);
        Assert.Empty(reports);
        Assert.Equal(StreamState.Finished, store.State);
        var s = store.Find(3)!;
        var snap = s.Snapshot();
        Assert.Equal(200_000, snap.Count);
        for (long i = 0; i < snap.Count; i += 997)
        {
            Assert.Equal(i, snap.X(i));
            Assert.Equal(-i, snap.Y(i));
        }
        Assert.Equal(17, store.TotalDropped);
    }

    [Fact]
    public async Task A_bad_frame_mid_stream_is_named_and_the_points_before_it_are_kept()
    {
        int badAt = 0;
        var bytes = Frames(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "ro");
            FrameWriter.WritePoints(w, 0, [1, 2], [3, 4]);
            badAt = w.WrittenCount;
            w.Write(new byte[] { 8, 0, 0, 0, 2, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        });
        var (store, reports) = await Ingest(bytes, chunk: 7);
        Assert.Equal(StreamState.Disconnected, store.State);
        var report = Assert.Single(reports);
        Assert.Contains($"byte {badAt + 6}: Points frame for series 9, which no DefineSeries frame has named", report);
        Assert.Equal(report, store.Error);
        Assert.Equal(2, store.TotalPoints);
    }

    [Fact]
    public async Task A_producer_that_dies_mid_frame_is_reported_as_truncated_with_the_points_kept()
    {
        var bytes = Frames(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2, 3]);
            FrameWriter.WritePoints(w, 0, [4, 5, 6], [4, 5, 6]);
        });
        int cut = bytes.Length - 10;
        var (store, reports) = await Ingest(bytes[..cut]);
        Assert.Equal(StreamState.Disconnected, store.State);
        Assert.Contains("producer stopped at byte", Assert.Single(reports));
        Assert.Contains("of 56 payload bytes arrived", store.Error);
        Assert.Equal(3, store.TotalPoints);
    }

    [Fact]
    public async Task A_stream_that_ends_without_finish_is_disconnected_not_an_error_in_the_data()
    {
        var bytes = Frames(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "s", "o");
            FrameWriter.WritePoints(w, 0, [1], [1]);
        });
        var (store, reports) = await Ingest(bytes);
        Assert.Equal(StreamState.Disconnected, store.State);
        Assert.Contains("disconnected without finishing", Assert.Single(reports));
        Assert.Equal(1, store.TotalPoints);
    }

    [Fact]
    public async Task Out_of_order_line_points_are_rejected_and_counted_and_the_rest_kept()
    {
        var bytes = Frames(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "s", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 1.5, double.NaN, 3, 3], [1, 2, 3, 4, 5, 6]);
            FrameWriter.WriteFinish(w);
        });
        var (store, _) = await Ingest(bytes);
        var s = store.Find(0)!;
        var snap = s.Snapshot();
        Assert.Equal([1.0, 2, 3, 3], Enumerable.Range(0, (int)snap.Count).Select(i => snap.X(i)));
        Assert.Equal([1.0, 2, 5, 6], Enumerable.Range(0, (int)snap.Count).Select(i => snap.Y(i)));
        Assert.Equal(2, s.OutOfOrder);
    }
}
