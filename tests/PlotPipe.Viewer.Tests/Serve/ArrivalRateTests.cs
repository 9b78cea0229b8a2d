using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Serve;

public class ArrivalRateTests
{
    private long _now;

    private long Clock() => _now;

    private void Advance(double seconds) => _now += (long)(seconds * Stopwatch.Frequency);

    [Fact]
    public void A_source_that_sends_once_a_second_reads_a_steady_rate_not_its_bursts_and_silences()
    {
        // vmstat 1: seventeen columns, one row a second; the page asks for the status about every quarter second.
        var store = new PlotStore();
        var series = Enumerable.Range(0, 17).Select(i => store.Define(new SeriesDefinition(i, SeriesKind.Line, $"c{i}", "-"))).ToArray();
        var status = new ViewerStatus(store, Clock);
        var rates = new List<double>();
        for (int second = 0; second < 20; second++)
        {
            foreach (var s in series) s.Append([second], [1]);
            for (int quarter = 0; quarter < 4; quarter++)
            {
                Advance(0.25);
                rates.Add(status.Report().PointsPerSecond);
            }
        }
        // Once it has warmed up (a few seconds), every reading is near 17 points a second, never 0.
        var settled = rates.Skip(4 * 8).ToList();
        Assert.All(settled, r => Assert.InRange(r, 10, 25));
    }

    [Fact]
    public void A_capped_series_that_evicts_as_fast_as_it_receives_still_reads_its_arrival_rate()
    {
        var store = new PlotStore(maxPointsPerSeries: 4096);
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "capped", "-"));
        var status = new ViewerStatus(store, Clock);
        double x = 0;
        double rate = 0;
        for (int step = 0; step < 40; step++)
        {
            // 10,000 points every half second: 20,000 a second into a series that keeps about 4,096.
            var xs = new double[10_000];
            for (int i = 0; i < xs.Length; i++) xs[i] = x++;
            series.Append(xs, xs);
            Advance(0.5);
            rate = status.Report().PointsPerSecond;
        }
        Assert.InRange(rate, 18_000, 22_000);
    }

    [Fact]
    public void A_paused_recording_reads_zero_at_once_and_its_arrival_rate_again_once_it_plays()
    {
        var store = new PlotStore();
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "replayed", "-"));
        bool paused = false;
        var status = new ViewerStatus(store, Clock) { Paused = () => paused };
        double x = 0;
        void Arrive(int n)
        {
            var xs = new double[n];
            for (int i = 0; i < n; i++) xs[i] = x++;
            series.Append(xs, xs);
        }
        // Playing: 1,000 points every half second.
        for (int step = 0; step < 20; step++)
        {
            Arrive(1_000);
            Advance(0.5);
            status.Report();
        }
        Assert.InRange(status.Report().PointsPerSecond, 1_800, 2_200);

        // Paused: the stream still streams (the head is mid-run), and the very next reading is 0, not a fading 2,000.
        paused = true;
        Assert.Equal(StreamState.Streaming, store.State);
        Advance(0.1);
        Assert.Equal(0, status.Report().PointsPerSecond);
        // A seek forward while paused brings 50,000 points in at once: they did not arrive at any rate.
        Arrive(50_000);
        Advance(0.5);
        Assert.Equal(0, status.Report().PointsPerSecond);

        // Playing again: the rate is measured afresh, without the seek's points.
        paused = false;
        double rate = 0;
        for (int step = 0; step < 20; step++)
        {
            Arrive(1_000);
            Advance(0.5);
            rate = status.Report().PointsPerSecond;
            Assert.InRange(rate, 1, 2_200);
        }
        Assert.InRange(rate, 1_800, 2_200);
    }

    [Fact]
    public void A_finished_stream_reads_zero_once_nothing_more_arrives()
    {
        var store = new PlotStore();
        var series = store.Define(new SeriesDefinition(0, SeriesKind.Line, "done", "-"));
        var status = new ViewerStatus(store, Clock);
        series.Append([0, 1, 2], [0, 1, 2]);
        Advance(0.5);
        Assert.True(status.Report().PointsPerSecond > 0);
        store.SetState(StreamState.Finished);
        Advance(0.5);
        Assert.Equal(0, status.Report().PointsPerSecond);
    }
}
