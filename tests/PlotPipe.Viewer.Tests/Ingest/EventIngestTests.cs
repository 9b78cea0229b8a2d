using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Event frames (markers) reach the store's events with their producer; a broken one ends the stream at its byte and keeps everything before it.</summary>
public class EventIngestTests
{
    private static byte[] MarkedStream(Action<ArrayBufferWriter<byte>>? more = null)
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(w);
        FrameWriter.WriteHello(w, "trainer", "");
        FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-", 0, SeriesFlags.None);
        FrameWriter.WritePoints(w, 0, [1, 2, 3], [0.9, 0.5, 0.3]);
        FrameWriter.WriteEvent(w, EventKind.Mark, 2, 0, false, "learning rate dropped");
        FrameWriter.WriteEvent(w, EventKind.Span, 1.7e9, 1.7e9 + 60, true, "evaluation");
        more?.Invoke(w);
        return w.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    public async Task Events_are_stored_in_order_with_their_producer_however_the_bytes_arrive(int chunk)
    {
        var (store, reports) = await FrameIngestTests.Ingest(MarkedStream(FrameWriter.WriteFinish), chunk);
        Assert.Empty(reports);
        var held = store.Events.Snapshot();
        Assert.Equal([1L, 2], held.Select(h => h.Seq));
        Assert.Equal(new PlotEvent(EventKind.Mark, 2, null, false, "learning rate dropped"), held[0].Event);
        Assert.Equal(new PlotEvent(EventKind.Span, 1.7e9, 1.7e9 + 60, true, "evaluation"), held[1].Event);
        Assert.All(held, h => Assert.Equal("trainer", h.Producer));
        Assert.Equal(3, store.TotalPoints);
    }

    [Fact]
    public async Task A_malformed_event_is_named_at_its_byte_and_the_viewer_keeps_its_points_markers_and_page()
    {
        using var viewer = await CommandLineViewer.StartAsync("--stdin");
        var good = MarkedStream();
        // A mark whose x is NaN: the decoder names its x field, P + 8.
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteEvent(w, EventKind.Mark, 7, 0, false, "bad");
        var bad = w.WrittenSpan.ToArray();
        BinaryPrimitives.WriteDoubleLittleEndian(bad.AsSpan(16), double.NaN);
        await viewer.Input.WriteAsync((byte[])[.. good, .. bad]);
        await viewer.Input.FlushAsync();

        var status = await viewer.WaitForStateAsync("disconnected");
        long at = good.Length + 8 + 8;
        Assert.Equal($"bad input at byte {at}: event x NaN is not a finite number; kept the 3 points received before it", status.GetProperty("error").GetString());
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains($"plotpipe: bad input at byte {at}: event x NaN")), "the error on standard error");
        // Still up, with every point and every marker that came before the bad frame.
        Assert.Equal(3, await viewer.CountAsync("loss"));
        var events = (await viewer.GetAsync("api/events")).EnumerateArray().ToList();
        Assert.Equal(["learning rate dropped", "evaluation"], events.Select(e => e.GetProperty("text").GetString()));
        Assert.Equal(["plain", "time"], events.Select(e => e.GetProperty("xKind").GetString()));
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("x2").ValueKind);
        Assert.Equal(1.7e9 + 60, events[1].GetProperty("x2").GetDouble());
    }
}
