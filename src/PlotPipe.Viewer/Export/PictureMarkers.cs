using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The program's markers in a picture, as the page draws them (web/src/markers.js): a mark as a dashed vertical line,
/// an alert as a solid one in a warning colour, a span as a shaded band, each with its label, on each panel whose x is
/// of the marker's kind, in the page's colours for the theme. Unlike the page, which can hide its markers, a picture
/// must show its data whole: the labels hang in a band the y range leaves free at the top of the data area, beside
/// their line (left of it when they would not fit on its right), one row lower only where they would cover each other.
/// </summary>
internal static class PictureMarkers
{
    private const int LabelChars = 40;
    private const float LabelFontPx = 11;
    // The page's steps: 3 px from the line and the data area's top, 14 px a row, at most 4 rows.
    private const float GapPx = 3, RowPx = 14, TopPx = 3, BandEndPx = 3;
    private const int MostRows = 4;
    // Room kept between labels of one row, and between a label and the data area's side.
    private const float SpacePx = 6, EdgePx = 2;

    /// <summary>The colour a marker of <paramref name="kind"/> is drawn in on the theme, an alert (<paramref name="alert"/>) in the warning one (the page's: web/src/markers.js).</summary>
    public static Color Ink(EventKind kind, bool dark, bool alert = false) =>
        alert ? Color.FromHex(dark ? "#ff7b72" : "#cf222e")
        : kind == EventKind.Span ? Color.FromHex(dark ? "#58a6ff" : "#0969da")
        : Color.FromHex(dark ? "#c297ff" : "#6639ba");

    /// <summary>
    /// Adds to <paramref name="plot"/> the lines and bands of the markers of <paramref name="markers"/> that belong on
    /// a panel with x axis <paramref name="axes"/>.X and fall within its x range (picture units, as
    /// <paramref name="axes"/> map them); returns their labels, for <see cref="Place"/> once the panel is laid out.
    /// </summary>
    public static MarkerLabel[] Add(ScottPlot.Plot plot, HeldEvent[] markers, PanelAxes axes, double xMin, double xMax, PicturePalette palette)
    {
        var labels = new List<MarkerLabel>();
        foreach (var held in markers)
        {
            var m = held.Event;
            if (m.XIsTime != (axes.X == AxisKind.Time)) continue;
            double x0 = axes.ToX(m.X), x1 = m.X2 is { } end ? axes.ToX(end) : x0;
            if (!double.IsFinite(x0) || !double.IsFinite(x1) || x1 < xMin || x0 > xMax) continue;
            var ink = Ink(m.Kind, palette.IsDark, held.IsAlert);
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
                // An alert is solid, as on the page: it must not pass for one of the program's own marks.
                line.LineStyle.Pattern = held.IsAlert ? LinePattern.Solid : LinePattern.Dashed;
                line.LineStyle.AntiAlias = false;
            }
            labels.Add(new MarkerLabel(m.Text, Math.Max(x0, xMin), ink));
        }
        return [.. labels];
    }

    /// <summary>Rows of labels <paramref name="panel"/> needs at the top of its data area as now laid out (0 without markers).</summary>
    public static int Rows(FigurePanel panel, Paint paint)
    {
        int rows = 0;
        foreach (var p in Arrange(panel, paint)) rows = Math.Max(rows, p.Row + 1);
        return rows;
    }

    /// <summary>
    /// The top of the y range (picture units) that leaves <paramref name="rows"/> rows of labels free of data above
    /// <paramref name="yMax"/>, in a data area <paramref name="heightPx"/> high running down to <paramref name="yMin"/>.
    /// </summary>
    public static double TopWithRoom(double yMin, double yMax, int rows, float heightPx)
    {
        if (rows == 0 || !(yMax > yMin)) return yMax;
        // Never more than half the data area, so a small picture still shows its data.
        float bandPx = Math.Min(TopPx + RowPx * rows + BandEndPx, heightPx / 2);
        return yMax + (yMax - yMin) * bandPx / Math.Max(1, heightPx - bandPx);
    }

    /// <summary>Adds the labels of <paramref name="panel"/> to its chart where they fit in its data area as laid out.</summary>
    public static void Place(FigurePanel panel, PicturePalette palette, Paint paint)
    {
        var placed = Arrange(panel, paint);
        double top = panel.Plot.Axes.GetLimits().Top;
        for (int i = 0; i < placed.Length; i++)
        {
            var (shown, row, left) = placed[i];
            if (shown.Length == 0) continue;
            var marker = panel.MarkerLabels[i];
            var label = panel.Plot.Add.Text(shown, marker.X, top);
            label.LabelFontName = PictureFont.For(shown);
            label.LabelFontSize = LabelFontPx;
            label.LabelFontColor = marker.Ink;
            label.LabelBackgroundColor = palette.Background.WithOpacity(.85);
            label.LabelAlignment = left ? Alignment.UpperRight : Alignment.UpperLeft;
            label.OffsetX = left ? -GapPx : GapPx;
            label.OffsetY = TopPx + RowPx * row;
        }
    }

    private readonly record struct Placed(string Shown, int Row, bool Left);

    // Each label beside its line: on its right as on the page, on its left when it would not fit there and the left has
    // more room, shortened with "…" when it fits on neither; in the first row where it covers no other label.
    private static Placed[] Arrange(FigurePanel panel, Paint paint)
    {
        var labels = panel.MarkerLabels;
        var placed = new Placed[labels.Count];
        if (labels.Count == 0) return placed;
        var rect = panel.DataRect;
        var limits = panel.Plot.Axes.GetLimits();
        double span = limits.Right - limits.Left;
        var taken = new List<(float Left, float Right)>[MostRows];
        for (int r = 0; r < MostRows; r++) taken[r] = [];
        for (int i = 0; i < labels.Count; i++)
        {
            var style = new LabelStyle { FontName = PictureFont.For(labels[i].Text), FontSize = LabelFontPx };
            float at = span > 0 ? rect.Left + (float)((labels[i].X - limits.Left) / span * rect.Width) : rect.Left;
            string shown = Shown(labels[i].Text);
            float width = style.Measure(shown, paint).Width;
            float roomRight = rect.Right - EdgePx - (at + GapPx), roomLeft = at - GapPx - (rect.Left + EdgePx);
            bool left = width > roomRight && roomLeft > roomRight;
            float room = Math.Max(0, left ? roomLeft : roomRight);
            if (width > room)
            {
                shown = Fit(shown, room, style, paint);
                width = shown.Length == 0 ? 0 : style.Measure(shown, paint).Width;
            }
            float from = left ? at - GapPx - width : at + GapPx, to = from + width;
            int row = -1;
            for (int r = 0; r < MostRows && row < 0; r++)
            {
                bool free = true;
                foreach (var (l, rr) in taken[r]) free &= to + SpacePx <= l || from >= rr + SpacePx;
                if (free) row = r;
            }
            // Every row full here: step down in turn as the page does, so at least neighbours differ.
            if (row < 0) row = i % MostRows;
            taken[row].Add((from, to));
            placed[i] = new Placed(shown, row, left);
        }
        return placed;
    }

    // The longest start of the text, with "…", that is no wider than roomPx ("" when not even one character fits).
    private static string Fit(string text, float roomPx, LabelStyle style, Paint paint)
    {
        for (int n = text.Length - 1; n > 0; n--)
        {
            if (char.IsHighSurrogate(text[n - 1])) continue;
            string shorter = string.Concat(text.AsSpan(0, n).TrimEnd(), "…");
            if (style.Measure(shorter, paint).Width <= roomPx) return shorter;
        }
        return "";
    }

    private static string Shown(string text) => text.Length > LabelChars ? string.Concat(text.AsSpan(0, LabelChars - 1), "…") : text;
}
