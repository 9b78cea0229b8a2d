using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>The recorder against a disk that cannot keep up: a FIFO nobody reads until the test says so.</summary>
public sealed class RecorderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-recorder-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_full_queue_leaves_points_out_of_the_recording_and_says_so_without_holding_ingest()
    {
        var fifo = Path.Combine(_dir, "slow.arrow");
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        // A FIFO's writer waits for a reader to open it; this one reads nothing until the queue has overflowed.
        var opening = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read));
        var store = new PlotStore();
        var reports = new List<string>();
        var recorder = Recorder.Start(fifo, store, line => { lock (reports) reports.Add(line); }, blockRows: 1024, maxBlocks: 2);
        store.Recording = recorder;
        await using var reader = await opening;
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "fast", "-"));
        var xs = new double[1000];
        var ys = new double[1000];
        var clock = Stopwatch.StartNew();
        // 200,000 points: far more than two blocks and a 64 KiB pipe hold.
        for (int i = 0; i < 200; i++)
        {
            for (int k = 0; k < xs.Length; k++) xs[k] = i * 1000 + k;
            series.Append(xs, ys);
        }
        var ingest = clock.Elapsed;

        Assert.Equal(200_000, series.Count);
        Assert.InRange(recorder.Lost, 1, 200_000);
        Assert.Contains("could not keep up", recorder.Problem);
        Assert.Null(recorder.Error);
        Assert.True(ingest < TimeSpan.FromSeconds(5), $"ingest took {ingest}: it waited on the recording");

        // Once the reader drains the pipe, the recording goes on and ends its stream.
        var drain = reader.CopyToAsync(Stream.Null);
        await recorder.DisposeAsync();
        await drain;
        Assert.Equal(200_000, recorder.Points + recorder.Lost);
    }
}
