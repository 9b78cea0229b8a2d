using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>Saves the whole plot as a PNG or SVG picture with ScottPlot, drawing only what the picture's pixels need.</summary>
public static class PictureExporter
{
    /// <summary>Writes the picture to <paramref name="path"/>; the extension (.png or .svg) picks the format.</summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    public static void Save(PlotStore store, string path, int widthPx = 800, int heightPx = 600)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"picture path \"{path}\" must end in .png or .svg", nameof(path));
        var plot = Render(store, widthPx);
        if (extension == ".png") plot.SavePng(path, widthPx, heightPx);
        else plot.SaveSvg(path, widthPx, heightPx);
    }

    /// <summary>Builds the ScottPlot plot for the store's current data.</summary>
    public static Plot Render(PlotStore store, int widthPx)
    {
        var plot = new Plot();
        plot.Title("PlotPipe");
        plot.XLabel("x");
        plot.YLabel("y");
        var bounds = DataBounds.Empty;
        var snapshots = new List<(SeriesStore Series, SeriesSnapshot Snapshot)>();
        foreach (var s in store.Series)
        {
            var snap = s.Snapshot();
            snapshots.Add((s, snap));
            var b = ViewBuilder.BoundsFor(s.Kind, snap);
            if (!b.IsEmpty) bounds = bounds.Union(b);
        }
        foreach (var (series, snap) in snapshots)
        {
            var (xs, ys) = Points(series, snap, bounds, widthPx);
            var scatter = plot.Add.Scatter(xs, ys);
            Style(scatter, series);
        }
        if (store.Series.Count > 1) plot.ShowLegend();
        return plot;
    }

    private static (double[] Xs, double[] Ys) Points(SeriesStore series, in SeriesSnapshot snap, in DataBounds bounds, int widthPx)
    {
        if (bounds.IsEmpty) return ([], []);
        var view = new SeriesView();
        var viewport = new Viewport(bounds.XMin, bounds.XMax, bounds.YMin, bounds.YMax, widthPx, widthPx);
        if (series.Kind == SeriesKind.Line)
        {
            ViewBuilder.Build(series.Kind, snap, viewport, view);
            if (view.Mode == ViewMode.Points) return (view.Xs[..view.Count], view.Ys[..view.Count]);
        }
        // A picture shows one marker per pixel at most, so a huge scatter is drawn from one point per occupied pixel.
        return OnePointPerPixel(snap, bounds, widthPx);
    }

    private static (double[] Xs, double[] Ys) OnePointPerPixel(in SeriesSnapshot snap, in DataBounds b, int sizePx)
    {
        double sx = (sizePx - 1) / Math.Max(b.XMax - b.XMin, double.Epsilon);
        double sy = (sizePx - 1) / Math.Max(b.YMax - b.YMin, double.Epsilon);
        var seen = new bool[sizePx * sizePx];
        var xs = new List<double>();
        var ys = new List<double>();
        for (long i = 0; i < snap.Count; i++)
        {
            double x = snap.X(i), y = snap.Y(i);
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            int cx = (int)((x - b.XMin) * sx), cy = (int)((y - b.YMin) * sy);
            int cell = cy * sizePx + cx;
            if (seen[cell]) continue;
            seen[cell] = true;
            xs.Add(x);
            ys.Add(y);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    private static void Style(ScottPlot.Plottables.Scatter scatter, SeriesStore series)
    {
        var format = series.Format;
        var color = Color.FromHex(series.Color);
        scatter.Color = color;
        scatter.LegendText = series.Name;
        scatter.MarkerShape = format.Marker switch
        {
            'o' or '.' => MarkerShape.FilledCircle,
            's' => MarkerShape.FilledSquare,
            '^' => MarkerShape.FilledTriangleUp,
            'v' => MarkerShape.FilledTriangleDown,
            'x' => MarkerShape.Eks,
            '+' => MarkerShape.Cross,
            '*' => MarkerShape.Asterisk,
            _ => MarkerShape.None,
        };
        scatter.MarkerSize = format.Marker == '.' ? 3 : 8;
        scatter.LineWidth = format.DrawsLine ? 1.5f : 0;
        scatter.LinePattern = format.LineStyle switch
        {
            "--" => LinePattern.Dashed,
            ":" => LinePattern.Dotted,
            "-." => LinePattern.DenselyDashed,
            _ => LinePattern.Solid,
        };
    }
}
