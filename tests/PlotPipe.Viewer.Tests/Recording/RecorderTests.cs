using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// The recorder against outputs that misbehave for real: FIFOs whose reader never comes, reads nothing until told,
/// stops reading, or goes away. Every point handed to it must end written or counted lost, exactly once.
/// </summary>
public sealed class RecorderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-recorder-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> FifoAsync(string name)
    {
        var fifo = Path.Combine(_dir, name);
        using var mkfifo = Process.Start("mkfifo", fifo);
        await mkfifo.WaitForExitAsync();
        return fifo;
    }

    // A reader opening the FIFO waits in open() for a writer, and counts as the FIFO's reader meanwhile; the recorder
    // refuses a FIFO without one, so it is started once the reader's open() is under way.
    private static async Task<(Recorder Recorder, FileStream Reader)> StartWithReaderAsync(string fifo, PlotStore store, int blockRows, int maxBlocks, List<string>? reports = null,
        TimeSpan? stallTimeout = null)
    {
        var opening = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var recorder = Recorder.Start(fifo, store, line => { if (reports is not null) lock (reports) reports.Add(line); }, blockRows, maxBlocks, stallTimeout: stallTimeout);
                return (recorder, await opening.WaitAsync(TimeSpan.FromSeconds(10)));
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10);
            }
        }
    }

    private static void Send(IPointSink sink, SeriesStore series, int frames, int perFrame = 1000)
    {
        var xs = new double[perFrame];
        var ys = new double[perFrame];
        for (int i = 0; i < frames; i++)
        {
            for (int k = 0; k < xs.Length; k++) xs[k] = (double)i * perFrame + k;
            sink.Append(series, xs, ys);
        }
    }

    [Fact]
    public async Task A_full_queue_holds_ingest_while_the_writer_writes_so_a_slow_reader_gets_every_point()
    {
        var fifo = await FifoAsync("slow.arrow");
        var store = new PlotStore();
        var reports = new List<string>();
        // Two blocks of 1,024 rows: the queue is full after a few frames, and stays full while the reader is slow.
        var (recorder, reader) = await StartWithReaderAsync(fifo, store, blockRows: 1024, maxBlocks: 2, reports);
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "fast", "-"));
        // Reads 16 KiB at a time with a pause between: far slower than ingest, never stopped.
        var copy = new MemoryStream();
        var slow = Task.Run(async () =>
        {
            var buffer = new byte[16 << 10];
            int n;
            while ((n = await reader.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, n);
                await Task.Delay(2);
            }
        });
        // 200,000 points, 4 MB in the file: far more than two blocks and a 64 KiB pipe hold.
        Send(sink, series, 200);
        await recorder.DisposeAsync();
        await slow.WaitAsync(TimeSpan.FromSeconds(30));
        await reader.DisposeAsync();

        Assert.Equal(200_000, series.Count);
        Assert.Equal(0, recorder.Lost);
        Assert.Equal(200_000, recorder.Points);
        Assert.Null(recorder.Problem);
        lock (reports) Assert.Empty(reports);
        // The file holds every point, in order.
        copy.Position = 0;
        var file = new RecordingReader(copy);
        long rows = 0;
        while (file.Next())
        {
            var xs = file.X;
            for (int i = 0; i < xs.Length; i++) Assert.Equal(rows + i, xs[i]);
            rows += file.Rows;
        }
        Assert.False(file.Truncated);
        Assert.Equal(200_000, rows);
    }

    [Fact]
    public async Task A_producer_held_back_by_a_full_queue_waits_off_its_thread_and_every_point_is_recorded_once_the_reader_reads()
    {
        var fifo = await FifoAsync("held.arrow");
        var store = new PlotStore();
        // Blocks larger than one read's points (a read holds at most 64 KiB, about 4,000 points), a writer never given
        // up on: the reader reads nothing until told, so the queue fills and stays full.
        var (recorder, reader) = await StartWithReaderAsync(fifo, store, blockRows: 8192, maxBlocks: 2, stallTimeout: TimeSpan.FromHours(1));
        await using var _ = reader;
        var stream = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(stream);
        FrameWriter.WriteHello(stream, "fast", "");
        FrameWriter.WriteDefineSeries(stream, 0, SeriesKind.Scatter, "fast", "o");
        var xs = new double[1000];
        for (int frame = 0; frame < 200; frame++)
        {
            for (int k = 0; k < xs.Length; k++) xs[k] = frame * 1000.0 + k;
            FrameWriter.WritePoints(stream, 0, xs, xs);
        }
        FrameWriter.WriteFinish(stream);
        var input = PipeReader.Create(new MemoryStream(stream.WrittenMemory.ToArray()), new StreamPipeReaderOptions(bufferSize: 1 << 16));
        var ingest = new FrameIngest(store, _ => { }, sink: new TeeSink(StoreSink.Instance, recorder));

        // The call returns its task once ingest waits for room: a thread that waited inside it would not return until
        // the reader reads (here, never, and for an hour of stall timeout).
        var call = Task.Factory.StartNew(() => ingest.RunAsync(input, CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30))) == call, "ingest held its thread while the recording's queue was full");
        var running = await call;
        Assert.False(running.IsCompleted, "ingest finished though the recording could not take its points");
        Assert.Equal(0, recorder.Lost);

        // Once the reader reads, the stream goes on to its end and the recording holds every point.
        var drain = reader.CopyToAsync(Stream.Null);
        await running.WaitAsync(TimeSpan.FromSeconds(60));
        await recorder.DisposeAsync();
        await drain;
        Assert.Equal(200_000, store.Series.Single().Count);
        Assert.Equal(200_000, recorder.Points);
        Assert.Equal(0, recorder.Lost);
    }

    [Fact]
    public async Task A_writer_that_writes_nothing_holds_ingest_once_for_the_stall_timeout_then_points_are_left_out_and_said()
    {
        var fifo = await FifoAsync("stalled.arrow");
        var store = new PlotStore();
        var reports = new List<string>();
        // Reads nothing until the queue has overflowed: the writer hangs once the pipe's 64 KiB are full.
        var (recorder, reader) = await StartWithReaderAsync(fifo, store, blockRows: 1024, maxBlocks: 2, reports);
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        await using var _ = reader;
        // A scatter: the second run of frames sends the same x again, and the store keeps every point.
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "fast", "o"));
        var clock = Stopwatch.StartNew();
        Send(sink, series, 100);
        var first = clock.Elapsed;
        // Given up on, the writer holds ingest no more: the next frames are left out at once, not after a wait each.
        clock.Restart();
        Send(sink, series, 100);
        var then = clock.Elapsed;

        Assert.Equal(200_000, series.Count);
        Assert.InRange(recorder.Lost, 1, 200_000);
        Assert.Contains($"nothing could be written for 1 s at a time, {recorder.Lost} points were not recorded", recorder.Problem);
        Assert.Null(recorder.Error);
        // Ingest waited for the writer before it gave up, and then no more than once more (the rest of the first wait's frame).
        Assert.True(first >= recorder.StallTimeout * 0.9, $"ingest gave up after {first}, before the writer had been given {recorder.StallTimeout}");
        Assert.True(first + then < recorder.StallTimeout * 5, $"ingest took {first} and then {then}: it waited on a hung writer again and again");

        // Once the reader drains the pipe, the recording goes on and ends its stream.
        var drain = reader.CopyToAsync(Stream.Null);
        await recorder.DisposeAsync();
        await drain;
        Assert.Equal(200_000, recorder.Received);
        Assert.Equal(recorder.Received, recorder.Points + recorder.Lost);
        // Closing says once more what the file lacks.
        lock (reports) Assert.Equal([$"recording {fifo}: {recorder.Lost} of the 200000 points received were not recorded (nothing could be written for 1 s at a time); the file holds the other {recorder.Points}"], reports);
    }

    [Fact]
    public async Task Recording_a_frame_allocates_nothing_once_its_blocks_exist_beyond_waking_the_writer_once_a_block()
    {
        var store = new PlotStore();
        var recorder = Recorder.Start(Path.Combine(_dir, "quiet.arrow"), store, _ => { }, blockRows: 1024, maxBlocks: 4);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "hot", "o"));
        var xs = new double[100];
        var bytes = new ReadOnlySequence<byte>(new byte[800]);
        // Both ways ingest hands points over (text columns, a Points frame's bytes); the first calls make the blocks,
        // the series' dictionary entry and the JIT's code.
        for (int i = 0; i < 2000; i++)
        {
            recorder.Add(series, xs, xs);
            recorder.Add(series, bytes, bytes, 100);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            recorder.Add(series, xs, xs);
            recorder.Add(series, bytes, bytes, 100);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await recorder.DisposeAsync();

        // Copying a frame's points allocates nothing; handing a full block to a writer that waits for one costs the
        // runtime's 32-byte wake-up, at most once a block (1,024 rows here, 65,536 in a viewer). One object a frame,
        // 24 bytes at least, would be 960,000 bytes: six times this bound.
        Assert.True(allocated <= 40 * (4_000_000 / 1024), $"{allocated} bytes allocated recording 4,000,000 points in 40,000 frames");
        Assert.Equal(4_400_000, recorder.Received);
        Assert.Equal(recorder.Received, recorder.Points + recorder.Lost);
    }

    [Theory]
    [InlineData(0, 96)]
    [InlineData(12L << 30, 96)]
    [InlineData(256L << 20, 12)]
    [InlineData(64L << 20, 8)]
    public async Task The_queue_takes_a_sixteenth_of_the_memory_budget_from_8_to_96_batches(long maxMemoryBytes, int blocks)
    {
        Assert.Equal(blocks, Recorder.QueueBlocksFor(maxMemoryBytes));
        // A viewer's recording takes its store's budget.
        var recorder = Recorder.Start(Path.Combine(_dir, $"queue-{maxMemoryBytes}.arrow"), new PlotStore(0, maxMemoryBytes), _ => { });
        Assert.Equal(blocks, recorder.MaxBlocks);
        await recorder.DisposeAsync();
    }

    [Fact]
    public async Task A_fifo_that_nothing_reads_is_refused_at_once_saying_why()
    {
        var fifo = await FifoAsync("unread.arrow");
        // Opening a FIFO for writing would wait for a reader for ever: the deadline only catches that hang.
        var refused = await Assert.ThrowsAsync<IOException>(() => Task.Run(() => Recorder.Start(fifo, new PlotStore(), _ => { })).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("it is a named pipe (FIFO) that nothing reads: start its reader first, as the viewer does not wait for one", refused.Message);
    }

    [Fact]
    public async Task Closing_gives_up_on_a_reader_that_stopped_reading_and_counts_what_it_did_not_write_as_lost()
    {
        var fifo = await FifoAsync("stuck.arrow");
        var store = new PlotStore();
        var reports = new List<string>();
        var (recorder, reader) = await StartWithReaderAsync(fifo, store, blockRows: 1024, maxBlocks: 4, reports);
        // Ingest hands every point to the store and, beside it, to the recording.
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        // The reader is open and never reads: the writer blocks once the pipe's 64 KiB are full.
        await using var _ = reader;
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "fast", "-"));
        Send(sink, series, 100);

        // Without giving up, this would never return; the deadline only bounds the failure.
        await recorder.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(100_000, recorder.Received);
        Assert.Equal(recorder.Received, recorder.Points + recorder.Lost);
        Assert.InRange(recorder.Lost, 1, 100_000);
        Assert.Contains("nothing could be written", recorder.Error);
        lock (reports) Assert.Contains(recorder.Error, reports);
    }

    [Fact]
    public async Task A_reader_that_goes_away_stops_the_recording_and_every_point_is_written_or_counted_lost()
    {
        var fifo = await FifoAsync("gone.arrow");
        var store = new PlotStore();
        var (recorder, reader) = await StartWithReaderAsync(fifo, store, blockRows: 1024, maxBlocks: 4);
        // Ingest hands every point to the store and, beside it, to the recording.
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        // A scatter: the same x sent again is kept, so the store's count is every point sent.
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Scatter, "fast", "o"));
        Send(sink, series, 10);
        // The reader takes a little and leaves: the next write fails with a broken pipe.
        var some = new byte[4096];
        await reader.ReadAtLeastAsync(some, some.Length);
        await reader.DisposeAsync();
        var deadline = Stopwatch.StartNew();
        int frames = 10;
        while (recorder.Error is null)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the recording never noticed its reader had gone");
            Send(sink, series, 10);
            frames += 10;
            await Task.Delay(10);
        }
        Send(sink, series, 10);
        frames += 10;

        Assert.False(recorder.Active);
        Assert.Equal(frames * 1000L, recorder.Received);
        Assert.Equal(recorder.Received, recorder.Points + recorder.Lost);
        Assert.Equal(frames * 1000L, series.Count);
        await recorder.DisposeAsync();
        Assert.Equal(recorder.Received, recorder.Points + recorder.Lost);
    }

    [Fact]
    public async Task Points_added_while_the_recording_closes_are_each_written_or_counted_lost_and_the_file_holds_the_written()
    {
        var path = Path.Combine(_dir, "closing.arrow");
        var store = new PlotStore();
        var recorder = Recorder.Start(path, store, _ => { }, blockRows: 1024, maxBlocks: 8);
        // Ingest hands every point to the store and, beside it, to the recording.
        IPointSink sink = new TeeSink(StoreSink.Instance, recorder);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "busy", "-"));
        using var stop = new CancellationTokenSource();
        long sent = 0;
        // Ingest goes on while the viewer stops, as it does when a signal arrives mid-stream.
        var ingest = Task.Run(() =>
        {
            var xs = new double[777];
            var ys = new double[777];
            while (!stop.IsCancellationRequested)
            {
                for (int k = 0; k < xs.Length; k++) xs[k] = sent + k;
                sink.Append(series, xs, ys);
                sent += xs.Length;
            }
        });
        var deadline = Stopwatch.StartNew();
        while (recorder.Points < 50_000)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "nothing was recorded");
            await Task.Delay(5);
        }
        await recorder.DisposeAsync();
        await stop.CancelAsync();
        await ingest;

        Assert.Equal(sent, recorder.Received);
        Assert.Equal(sent, recorder.Points + recorder.Lost);
        Assert.Null(recorder.Error);
        long rows = 0;
        await using (var file = File.OpenRead(path))
        {
            var reader = new RecordingReader(file);
            while (reader.Next()) rows += reader.Rows;
            Assert.False(reader.Truncated);
        }
        Assert.Equal(recorder.Points, rows);
    }
}
