using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The program's markers in a picture, as the page draws them (web/src/markers.js): a mark as a vertical line with its
/// label, a span as a shaded band with its label, on each panel whose x is of the marker's kind, in the page's colours
/// for the theme.
/// </summary>
internal static class PictureMarkers
{
    private const int LabelChars = 40;
    private const float LabelFontPx = 11;

    /// <summary>The colour a marker of <paramref name="kind"/> is drawn in on the theme (the page's: web/src/markers.js).</summary>
    public static Color Ink(EventKind kind, bool dark) => kind switch
    {
        EventKind.Span => Color.FromHex(dark ? "#58a6ff" : "#0969da"),
        EventKind.Mark => Color.FromHex(dark ? "#c297ff" : "#6639ba"),
        // Any later kind (an alert) is a warning.
        _ => Color.FromHex(dark ? "#ff7b72" : "#cf222e"),
    };

    /// <summary>
    /// Adds to <paramref name="plot"/> the markers of <paramref name="markers"/> that belong on a panel with x axis
    /// <paramref name="axes"/>.X and fall within its x range (picture units, as <paramref name="axes"/> map them);
    /// <paramref name="yTop"/> is the top of its y range, where labels hang. Returns how many were drawn.
    /// </summary>
    public static int Add(ScottPlot.Plot plot, HeldEvent[] markers, PanelAxes axes, double xMin, double xMax, double yTop, PicturePalette palette)
    {
        int drawn = 0;
        foreach (var held in markers)
        {
            var m = held.Event;
            if (m.XIsTime != (axes.X == AxisKind.Time)) continue;
            double x0 = axes.ToX(m.X), x1 = m.X2 is { } end ? axes.ToX(end) : x0;
            if (!double.IsFinite(x0) || !double.IsFinite(x1) || x1 < xMin || x0 > xMax) continue;
            var ink = Ink(m.Kind, palette.IsDark);
            if (m.X2 is not null)
            {
                var band = plot.Add.HorizontalSpan(x0, x1);
                band.FillStyle.Color = ink.WithOpacity(palette.IsDark ? .2 : .14);
                band.LineStyle.Color = ink;
                band.LineStyle.Width = 1;
            }
            else
            {
                var line = plot.Add.VerticalLine(x0);
                line.LineStyle.Color = ink;
                line.LineStyle.Width = 1.5f;
                line.LineStyle.Pattern = m.Kind == EventKind.Mark ? LinePattern.Dashed : LinePattern.Solid;
                line.LineStyle.AntiAlias = false;
            }
            var label = plot.Add.Text(Shown(m.Text), Math.Max(x0, xMin), yTop);
            label.LabelFontName = PictureFont.For(m.Text);
            label.LabelFontSize = LabelFontPx;
            label.LabelFontColor = ink;
            label.LabelBackgroundColor = palette.Background.WithOpacity(.85);
            label.LabelAlignment = Alignment.UpperLeft;
            // Labels step down so neighbours do not cover each other, as on the page.
            label.OffsetX = 3;
            label.OffsetY = 3 + 14 * (drawn % 4);
            drawn++;
        }
        return drawn;
    }

    private static string Shown(string text) => text.Length > LabelChars ? string.Concat(text.AsSpan(0, LabelChars - 1), "…") : text;
}
