using System.Buffers.Binary;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Store;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Query;

/// <summary>The view query on its own: panels from a store, the message it writes, and no allocation in steady state.</summary>
public sealed class PlotQueryTests
{
    [Fact]
    public void Asked_for_float32_a_view_takes_half_the_bytes_its_points_inside_a_thousandth_of_a_pixel_whole_numbers_exact()
    {
        var store = new PlotStore();
        // Unix seconds a millisecond apart with a temperature, and line numbers with counts: 8,000 points each (arrays
        // kept off the large object heap, so the allocation tests beside this one see no collection it caused).
        var t = new double[8_000];
        var temp = new double[t.Length];
        var lines = new double[t.Length];
        var counts = new double[t.Length];
        for (int i = 0; i < t.Length; i++) (t[i], temp[i], lines[i], counts[i]) = (1.7e9 + i * 0.001, 20 + Math.Sin(i * 0.001), i, Math.Floor(i / 7.0));
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "temp", "r-", 0, SeriesFlags.TimeX)).Append(t, temp);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "count", "b-", 1)).Append(lines, counts);
        // A series whose values float32 cannot hold as offsets goes as float64 beside them.
        store.Define(new SeriesDefinition(2, SeriesKind.Scatter, "huge", "k.", 2)).Append([0, 1], [1e300, -1e300]);
        var query = new PlotQuery();
        query.ResolveLayout(store);
        var asked = Enumerable.Range(0, query.Layout.Count).Select(i => new PanelRequest(query.Layout.Shown(i).Id, 300, null, null, null, null)).ToArray();
        query.Run(new ViewRequest(null, null, null, null, null, 1000, 300, asked), store);
        Assert.Equal(3, query.PanelCount);
        var plain = new byte[ViewMessage.MeasureBytes(query)];
        var halved = new byte[ViewMessage.MeasureBytes(query, float32: true)];
        Assert.Equal(plain.Length, ViewMessage.Write(plain, query));
        Assert.Equal(halved.Length, ViewMessage.Write(halved, query, float32: true));
        Assert.InRange(halved.Length, plain.Length / 2, plain.Length * 0.56);
        var exact = DecodedView.Decode(plain);
        var relative = DecodedView.Decode(halved);
        Assert.Equal([2u, 2u, 0u], relative.AllSeries.Select(s => s.Mode));
        foreach (var (e, r, panel) in exact.AllSeries.Zip(relative.AllSeries, exact.Panels))
        {
            Assert.Equal(e.Xs.Length, r.Xs.Length);
            double xPixel = (panel.XMax - panel.XMin) / 1000, yPixel = (panel.YMax - panel.YMin) / 300;
            for (int i = 0; i < e.Xs.Length; i++)
            {
                Assert.True(Math.Abs(e.Xs[i] - r.Xs[i]) <= xPixel / 1000, $"x {e.Xs[i]:R} came back {r.Xs[i]:R}");
                Assert.True(Math.Abs(e.Ys[i] - r.Ys[i]) <= yPixel / 1000, $"y {e.Ys[i]:R} came back {r.Ys[i]:R}");
            }
        }
        // Whole numbers stay whole, so the page ticks a line-number axis on whole lines.
        var whole = relative.AllSeries.ElementAt(1);
        Assert.All(whole.Xs, x => Assert.Equal(Math.Floor(x), x));
        Assert.Equal(exact.AllSeries.ElementAt(1).Xs, whole.Xs);
        // Written in pieces, it is the same message.
        var pieces = new byte[halved.Length];
        for (int at = 0; at < pieces.Length;) at += ViewMessage.WritePart(pieces.AsSpan(at, Math.Min(4093, pieces.Length - at)), at, query, float32: true);
        Assert.Equal(halved, pieces);
    }

    [Fact]
    public void The_view_example_in_page_protocol_md_is_what_the_query_writes_byte_for_byte()
    {
        var store = new PlotStore();
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-")).Append([0, 1], [-1, 1]);
        var query = new PlotQuery();
        query.Run(new ViewRequest(0, 1, -1, 1, null, 100, 100), store);
        var bytes = new byte[ViewMessage.MeasureBytes(query)];
        Assert.Equal(112, ViewMessage.Write(bytes, query));

        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "page-protocol.md"));
        Assert.Contains("is 112 bytes: `02000000 01000000` (tag, one panel), `00000000 01000000` (panel 0, one\nseries)", doc);
        // The same in mode 2, as the page asks for it: the series block is as long, its points float32 offsets.
        var asF32 = new byte[ViewMessage.MeasureBytes(query, float32: true)];
        Assert.Equal(112, ViewMessage.Write(asF32, query, float32: true));
        Assert.Contains("`00000000 02000000 02000000 00000000`, pointsInView 2.0, notShown 0.0, bases `0.0 -1.0`, then dx `0.0 1.0` and\ndy `0.0 2.0` as f32", doc);
        Assert.Equal(bytes.AsSpan(0, 48).ToArray(), asF32.AsSpan(0, 48).ToArray());
        Assert.Equal([0u, 2u, 2u, 0u], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(asF32.AsSpan(48 + 4 * i))));
        Assert.Equal([2.0, 0.0, 0.0, -1.0], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(asF32.AsSpan(64 + 8 * i))));
        Assert.Equal([0f, 1f, 0f, 2f], Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(asF32.AsSpan(96 + 4 * i))));
        Assert.Contains("`00000000 00000000 02000000 00000000` (series 0, points, 2, 0), pointsInView 2.0,\nnotShown 0.0, then xs `0.0 1.0` and ys `-1.0 1.0`", doc);
        var want = new byte[112];
        var w = want.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(w, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(w[4..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(w[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(w[12..], 1);
        double[] doubles = [0, 1, -1, 1];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteDoubleLittleEndian(w[(16 + 8 * i)..], doubles[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(w[48..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(w[52..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(w[56..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(w[60..], 0);
        double[] rest = [2, 0, 0, 1, -1, 1];
        for (int i = 0; i < rest.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(w[(64 + 8 * i)..], rest[i]);
        Assert.Equal(want, bytes);
    }

    [Fact]
    public void A_log_panel_with_nothing_positive_shows_one_to_ten_and_counts_every_point()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [new("yscale", "log")]);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-", Panel: 1)).Append([0, 1, 2], [0, -1, -2]);
        var query = new PlotQuery();
        query.Run(new ViewRequest(null, null, null, null, null, 100, 100, [new PanelRequest(1, 100, null, null, null, null)]), store);
        var panel = query.Panel(0);
        Assert.Equal((1.0, 10.0), (panel.Ranges.YMin, panel.Ranges.YMax));
        Assert.Equal(3, panel.ViewAt(0).NotShown);
    }

    [Fact]
    public void An_unlinked_panel_keeps_the_x_range_it_asked_for_and_linked_ones_share_their_group_s()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [new("linkx", "false")]);
        store.Plot.DefinePanel(2, []);
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-")).Append([0, 10], [0, 1]);
        store.Define(new SeriesDefinition(1, SeriesKind.Line, "b", "r-", Panel: 1)).Append([0, 10], [0, 1]);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "c", "g-", Panel: 2)).Append([0, 10], [0, 1]);
        var query = new PlotQuery();
        PanelRequest[] panels = [new(0, 50, 7, 8, null, null), new(1, 50, 5, 6, null, null), new(2, 50, null, null, null, null)];
        query.Run(new ViewRequest(2, 4, null, null, null, 100, 100, panels), store);
        // Panel 0 gives its group's x, and panel 2, in the same group, shows it too; the top-level x is for older pages.
        Assert.Equal((7.0, 8.0), (query.Panel(0).Ranges.XMin, query.Panel(0).Ranges.XMax));
        Assert.Equal((5.0, 6.0), (query.Panel(1).Ranges.XMin, query.Panel(1).Ranges.XMax));
        Assert.Equal((7.0, 8.0), (query.Panel(2).Ranges.XMin, query.Panel(2).Ranges.XMax));

        // An older page sends the linked panels' x at the top level only.
        panels = [new(0, 50, null, null, null, null), new(1, 50, 5, 6, null, null), new(2, 50, null, null, null, null)];
        query.Run(new ViewRequest(2, 4, null, null, null, 100, 100, panels), store);
        Assert.Equal((2.0, 4.0), (query.Panel(0).Ranges.XMin, query.Panel(0).Ranges.XMax));
        Assert.Equal((5.0, 6.0), (query.Panel(1).Ranges.XMin, query.Panel(1).Ranges.XMax));
        Assert.Equal((2.0, 4.0), (query.Panel(2).Ranges.XMin, query.Panel(2).Ranges.XMax));
    }

    [Fact]
    public void Answering_the_same_request_again_allocates_nothing()
    {
        var store = new PlotStore();
        store.Plot.DefinePanel(1, [new("yscale", "log"), new("xscale", "log")]);
        var xs = new double[200_000];
        var ys = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++) { xs[i] = i + 1; ys[i] = Math.Sin(i * 0.001) + 1.5; }
        store.Define(new SeriesDefinition(0, SeriesKind.Line, "a", "b-")).Append(xs, ys);
        store.Define(new SeriesDefinition(1, SeriesKind.Scatter, "b", "r.", Panel: 1)).Append(xs, ys);
        store.Define(new SeriesDefinition(2, SeriesKind.Line, "hidden", "g-", Panel: 1)).Append(xs, ys);
        var request = new ViewRequest(null, null, null, null, null, 640, 100,
            [new PanelRequest(0, 200, null, null, null, null), new PanelRequest(1, 200, null, null, null, null)], [2]);
        var query = new PlotQuery();
        var buffer = new byte[16 << 20];
        // Two rounds to warm: run after the float32 test on the same thread, one round was not always enough (8,680
        // bytes in the first measured round, one run in five); the steady state after two allocates nothing.
        for (int i = 0; i < 2; i++)
        {
            query.Run(request, store);
            ViewMessage.Write(buffer, query);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            query.Run(request, store);
            ViewMessage.Write(buffer, query);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var view = DecodedView.Decode(buffer.AsSpan(0, (int)ViewMessage.MeasureBytes(query)));
        Assert.Equal([0, 1], view.AllSeries.Select(s => s.Index));
        Assert.Equal(1u, view.Panels[1].Series[0].Mode);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root was not found");
    }
}
