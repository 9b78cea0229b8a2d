using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Lifecycle;
using Xunit;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>A recording shown as a baseline: drawn and listed, never counted as live data, aligned on start time.</summary>
public sealed class BaselineRunsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-baseline-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_baseline_is_listed_with_its_recorded_counts_but_not_counted_as_live_points()
    {
        var path = Path.Combine(_dir, "yesterday.arrow");
        await TimedRecording.WriteAsync(path, batches: 6);
        var store = new PlotStore();
        var live = store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-"), store.AddProducer("today", "stdin"));
        live.Append([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]);
        await using var baselines = new BaselineRuns(store, _ => { });

        Assert.Equal("yesterday.arrow", await baselines.AddAsync(path, () => File.OpenRead(path)));
        Assert.Equal("signal@today=3;signal@yesterday.arrow=300 baseline;marks@yesterday.arrow=300 baseline",
            string.Join(";", store.Series.Select(s => $"{s.Name}@{s.Producer}={s.Count}{(store.IsBaseline(s) ? " baseline" : "")}")));
        Assert.Equal(3, store.LivePoints);
        Assert.Equal(3, new ViewerStatus(store).Report().Points);
        // Not a producer: it neither lists nor decides the plot's state.
        Assert.Equal(["today"], store.ProducerStates.Select(p => p.Name));
        var row = Assert.Single(baselines.Report());
        Assert.Equal(new BaselineReport("yesterday.arrow", 600, false, 0, true), row);
        // A second of the same name is told apart.
        Assert.Equal("yesterday.arrow (2)", await baselines.AddAsync(path, () => File.OpenRead(path)));
    }

    [Fact]
    public async Task A_time_baseline_starts_where_the_live_run_starts_and_the_offset_can_be_set_and_put_back()
    {
        var path = Path.Combine(_dir, "monday.arrow");
        await TimedRecording.WriteAsync(path, batches: 4, x0: 1_700_000_000, timeX: true);
        var store = new PlotStore();
        await using var baselines = new BaselineRuns(store, _ => { });
        await baselines.AddAsync(path, () => File.OpenRead(path));
        SeriesStore Baseline() => store.Series.First(s => store.IsBaseline(s) && s.Name == "signal");
        // No live run yet: as recorded.
        Assert.Equal(1_700_000_000, Baseline().Snapshot().X(0));

        var live = store.Define(new SeriesDefinition(0, SeriesKind.Line, "signal", "b-", 0, SeriesFlags.TimeX), store.AddProducer("now", "stdin"));
        live.Append([1_800_000_000.5, 1_800_000_001.5], [0.0, 0.0]);
        store.Touch();
        // Polled while the baseline is moved: its series is refilled then, so a look may find it still empty.
        await Http.WaitForAsync(() => Baseline().Snapshot() is { Count: > 0 } moved && moved.X(0) == 1_800_000_000.5, "the baseline moved to the live run's start");
        Assert.Equal(100_000_000.5, baselines.Report()[0].OffsetSeconds);
        Assert.Equal(200, Baseline().Count);

        Assert.True(await baselines.SetOffsetAsync("monday.arrow", -10));
        Assert.Equal(1_699_999_990, Baseline().Snapshot().X(0));
        Assert.False(baselines.Report()[0].Auto);
        Assert.Equal(200, Baseline().Count);
        Assert.True(await baselines.SetOffsetAsync("monday.arrow", null));
        Assert.Equal(1_800_000_000.5, Baseline().Snapshot().X(0));
        Assert.False(await baselines.SetOffsetAsync("tuesday.arrow", 0));
    }

    [Fact]
    public async Task A_recording_of_two_runs_is_two_baselines_whose_series_keep_their_names_colour_and_styles_under_a_live_run_drawn_solid()
    {
        var path = Path.Combine(_dir, "sweep.arrow");
        await TimedRecording.WriteTwoRunsAsync(path);
        var store = new PlotStore();
        await using var baselines = new BaselineRuns(store, _ => { });
        Assert.Equal("sweep.arrow", await baselines.AddAsync(path, () => File.OpenRead(path)));
        var live = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), store.AddProducer("train.py", "127.0.0.1:5"));

        // Each recorded run is a baseline of its own, its series by their own names; the file is one baseline.
        Assert.Equal("loss@sweep.arrow · train.py=3 -;acc@sweep.arrow · train.py=2 -;loss@sweep.arrow · train.py (2)=3 --;"
            + "acc@sweep.arrow · train.py (2)=2 --;loss@train.py=0 -",
            string.Join(";", store.Series.Select(s => $"{s.Name}@{s.Producer}={s.Count} {s.Look.LineStyle}")));
        Assert.All(store.Series.Take(4), s => Assert.True(store.IsBaseline(s)));
        Assert.False(store.IsBaseline(live));
        // One colour per name across live runs and baselines.
        Assert.Single(store.Series.Where(s => s.Name == "loss").Select(s => s.CycleSlot).Distinct());
        Assert.NotEqual(store.Series.First(s => s.Name == "loss").CycleSlot, store.Series.First(s => s.Name == "acc").CycleSlot);
        Assert.Equal(new BaselineReport("sweep.arrow", 10, false, 0, true), Assert.Single(baselines.Report()));
        Assert.Equal(0, store.LivePoints);
    }

    [Fact]
    public async Task A_file_that_is_not_a_recording_is_refused_and_leaves_no_baseline()
    {
        var path = Path.Combine(_dir, "notes.arrow");
        await File.WriteAllTextAsync(path, "not arrow at all\n");
        var store = new PlotStore();
        await using var baselines = new BaselineRuns(store, _ => { });
        await Assert.ThrowsAsync<InvalidDataException>(() => baselines.AddAsync(path, () => File.OpenRead(path)));
        Assert.Empty(baselines.Report());
        Assert.Empty(store.Series);
    }
}
