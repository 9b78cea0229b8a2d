using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>The producers over a viewer's life, in the store: counted while connected, kept listed within a bound.</summary>
public sealed class ProducerRegistryTests
{
    [Fact]
    public void Connections_are_counted_while_open_so_any_number_come_and_go_over_a_life()
    {
        var store = new PlotStore();
        for (int i = 0; i < 3 * ProducerRegistry.MaxConnected; i++)
        {
            var p = store.TryConnectProducer($"p{i}", "127.0.0.1:1", TimeSpan.Zero);
            Assert.NotNull(p);
            store.ProducerClosed(p);
        }
        Assert.Equal(0, store.Registry.Connected);
        Assert.Equal(3 * ProducerRegistry.MaxConnected, store.ProducerStates.Count);
    }

    [Fact]
    public void The_cap_is_on_connections_open_at_once_and_a_closed_one_frees_its_place()
    {
        var store = new PlotStore();
        var open = new List<ProducerStore>();
        for (int i = 0; i < ProducerRegistry.MaxConnected; i++) open.Add(store.TryConnectProducer($"p{i}", "a", TimeSpan.Zero)!);
        Assert.Null(store.TryConnectProducer("one too many", "a", TimeSpan.Zero));
        store.ProducerClosed(open[7]);
        // Closing twice frees one place, not two.
        store.ProducerClosed(open[7]);
        Assert.NotNull(store.TryConnectProducer("next", "a", TimeSpan.Zero));
        Assert.Null(store.TryConnectProducer("and one more", "a", TimeSpan.Zero));
    }

    [Fact]
    public void Inputs_read_to_their_end_are_never_refused_by_the_cap_on_connections()
    {
        var store = new PlotStore();
        for (int i = 0; i < ProducerRegistry.MaxConnected; i++) store.TryConnectProducer($"p{i}", "a", TimeSpan.Zero);
        Assert.Equal("stdin", store.AddProducer("stdin", "stdin").Name);
        Assert.Equal(ProducerRegistry.MaxConnected + 1, store.ProducerStates.Count);
    }

    [Fact]
    public void Names_are_unique_among_listed_producers_and_a_nameless_one_is_numbered_by_arrival()
    {
        var store = new PlotStore();
        var names = new List<string>();
        for (int i = 0; i < 3; i++) names.Add(store.TryConnectProducer("train.py", "a", TimeSpan.Zero)!.Name);
        names.Add(store.TryConnectProducer(null, "a", TimeSpan.Zero)!.Name);
        names.Add(store.AddProducer("", "stdin").Name);
        Assert.Equal(["train.py", "train.py (2)", "train.py (3)", "producer 4", "producer 5"], names);
    }

    [Fact]
    public void Closed_producers_beyond_the_bound_leave_the_list_the_longest_closed_first_with_their_series_and_points()
    {
        var store = new PlotStore(maxEndedProducers: 3);
        var producers = new List<ProducerStore>();
        for (int i = 0; i < 6; i++)
        {
            var p = store.TryConnectProducer($"p{i}", "a", TimeSpan.Zero)!;
            producers.Add(p);
            var s = store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), p);
            s.Append([1.0, 2.0, 3.0], [i, i, i]);
        }
        long heldBefore = store.HeldBytes;
        // Closed in another order than they came: p4 first, then p0, p1, p2 (p3 and p5 stay connected).
        foreach (int i in new[] { 4, 0, 1, 2 }) store.ProducerClosed(producers[i]);

        Assert.Equal(["p0", "p1", "p2", "p3", "p5"], store.Producers);
        // p4 closed longest ago: its one series and its 3 points went with it, counted as evicted, their memory freed.
        Assert.Equal(["p0", "p1", "p2", "p3", "p5"], store.Series.Select(s => s.Producer));
        Assert.Equal(15, store.TotalPoints);
        Assert.Equal(3, store.TotalEvicted);
        Assert.True(store.HeldBytes < heldBefore, $"held {store.HeldBytes} bytes, {heldBefore} before");
        // Series left keep their index (the page's key) and colour; a new one takes an index never used before.
        Assert.Equal([0, 1, 2, 3, 5], store.Series.Select(s => s.Index));
        var late = store.TryConnectProducer("late", "a", TimeSpan.Zero)!;
        Assert.Equal(6, store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), late).Index);
    }

    [Fact]
    public void Views_and_hidden_series_keep_working_after_a_producer_left_the_list()
    {
        var store = new PlotStore(maxEndedProducers: 0);
        var gone = store.TryConnectProducer("gone", "a", TimeSpan.Zero)!;
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "-"), gone).Append([0.0, 1.0], [0.0, 1.0]);
        var stays = store.TryConnectProducer("stays", "a", TimeSpan.Zero)!;
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "b", "-"), stays).Append([0.0, 1.0, 2.0], [5.0, 6.0, 7.0]);
        store.ProducerClosed(gone);

        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100), store);
        var panel = query.Panel(0);
        Assert.Equal(1, panel.SeriesCount);
        Assert.Equal(3, panel.ViewAt(0).PointsInView);
        Assert.Equal(1, panel.SeriesIndexAt(0));
        // The page hides by index: hiding the one left leaves nothing drawn.
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100) { Hidden = [1] }, store);
        Assert.Equal(0, query.Panel(0).SeriesCount);
    }

    [Fact]
    public void A_plot_whose_disconnected_producer_left_the_list_still_says_disconnected()
    {
        var store = new PlotStore(maxEndedProducers: 0);
        var lost = store.TryConnectProducer("lost", "a", TimeSpan.Zero)!;
        store.SetState(StreamState.Disconnected, "producer disconnected without finishing", lost);
        store.ProducerClosed(lost);
        var done = store.TryConnectProducer("done", "a", TimeSpan.Zero)!;
        store.SetState(StreamState.Finished, producer: done);
        store.ProducerClosed(done);
        Assert.Empty(store.ProducerStates);
        Assert.Equal(StreamState.Disconnected, store.State);
    }
}
