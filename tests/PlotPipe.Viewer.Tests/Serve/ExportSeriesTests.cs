using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Serve;

/// <summary><c>/api/export</c>'s <c>series=</c>: indexes as in <c>/api/series</c>, or the names users know their series by.</summary>
public sealed class ExportSeriesTests
{
    // Two producers that both have a "loss", and one series whose name holds a comma.
    private static PlotStore Store()
    {
        var store = new PlotStore();
        var train = store.AddProducer("train.py", "stdin");
        var eval = store.AddProducer("eval.py", "stdin");
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), train);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "acc", "-"), train);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "loss", "-"), eval);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "lr, scaled", "-"), eval);
        return store;
    }

    private static List<(string Name, string Producer)> Chosen(PlotStore store, string series)
    {
        var request = PointExport.Parse(null, null, series, store, out var error);
        Assert.Null(error);
        return [.. request!.Series.Select(s => (s.Name, s.Producer))];
    }

    [Fact]
    public void A_name_takes_every_series_of_that_name_in_series_order()
    {
        var store = Store();
        Assert.Equal([("loss", "train.py"), ("loss", "eval.py")], Chosen(store, "loss"));
        Assert.Equal([("acc", "train.py"), ("loss", "train.py"), ("loss", "eval.py")], Chosen(store, "acc,loss"));
    }

    [Fact]
    public void Indexes_and_names_mix_and_a_series_is_taken_once()
    {
        var store = Store();
        Assert.Equal([("lr, scaled", "eval.py"), ("loss", "train.py"), ("loss", "eval.py")], Chosen(store, "3, loss,0"));
    }

    [Theory]
    [InlineData("val_loss", "series=val_loss is no series' name or index (as in /api/series)")]
    [InlineData("4", "series=4 is not a series index (0 to 3, as in /api/series)")]
    [InlineData("-1", "series=-1 is no series' name or index (as in /api/series)")]
    public void A_name_or_index_that_is_no_series_is_refused_naming_it(string series, string error)
    {
        Assert.Null(PointExport.Parse(null, null, series, Store(), out var problem));
        Assert.Equal(error, problem);
    }

    [Fact]
    public void Before_any_series_an_index_is_refused_saying_there_are_none()
    {
        Assert.Null(PointExport.Parse(null, null, "0", new PlotStore(), out var problem));
        Assert.Equal("series=0: there are no series yet", problem);
    }
}
