using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;
using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// A picture's legend: a column at the right, as the page's, listing the series of the panels shown by the page's
/// rule (web/src/legend.js): under a header per producer when several sent series (each with its panel's name when
/// several panels show), else under a header per panel when several panels show, else one plain list. Each row is
/// the series' line and marker beside its name.
/// </summary>
internal sealed class PictureLegend
{
    // The page's aside: 0.8rem 1rem padding, rows of 0.85rem text with 0.2rem above and below, a 28 × 12 px swatch
    // and a 0.5rem gap, headers 0.4rem apart from what comes before, a group's rows 0.75rem in.
    private const float PadTopPx = 13, PadSidePx = 16, RowPx = 22, HeaderGapPx = 6, IndentPx = 12, SwatchPx = 28, SwatchGapPx = 8;
    private const float LeastWidthPx = 120, MostWidthPx = 240;

    private PictureLegend(IReadOnlyList<LegendRow> rows) => Rows = rows;

    /// <summary>The rows, top to bottom.</summary>
    public IReadOnlyList<LegendRow> Rows { get; }

    /// <summary>
    /// The legend of <paramref name="series"/> in the panels <paramref name="layout"/> shows; a baseline of
    /// <paramref name="store"/> says so in words, as the page's saved picture does: once on its run's header, or on
    /// its row.
    /// </summary>
    public static PictureLegend For(IReadOnlyList<SeriesStore> series, PlotLayout layout, PlotStore store)
    {
        var visible = new List<SeriesStore>();
        foreach (var s in series)
        {
            if (IsShown(layout, s.Definition.Panel)) visible.Add(s);
        }
        var producers = new List<string>();
        foreach (var s in visible)
        {
            if (!producers.Contains(s.Producer)) producers.Add(s.Producer);
        }
        bool byProducer = producers.Count >= 2, byPanel = !byProducer && layout.Count >= 2, tagPanels = byProducer && layout.Count >= 2;
        var rows = new List<LegendRow>();
        if (byProducer)
        {
            foreach (var producer in producers)
            {
                bool baselineRun = true;
                foreach (var s in visible)
                {
                    if (s.Producer == producer && !store.IsBaseline(s)) baselineRun = false;
                }
                rows.Add(new LegendRow((producer.Length > 0 ? producer : "(unnamed)") + (baselineRun ? BaselineWords : ""), null, Producer: true));
                foreach (var s in visible)
                {
                    if (s.Producer == producer) rows.Add(SeriesRow(s, store, baselineRun, tagPanels ? PictureText.PanelName(layout.Of(s.Definition.Panel).Definition) : null));
                }
            }
        }
        else if (byPanel)
        {
            for (int i = 0; i < layout.Count; i++)
            {
                var panel = layout.Shown(i).Definition;
                int header = rows.Count;
                foreach (var s in visible)
                {
                    if (s.Definition.Panel != panel.Id) continue;
                    if (rows.Count == header) rows.Add(new LegendRow(PictureText.PanelName(panel), null));
                    rows.Add(SeriesRow(s, store, underBaseline: false, null));
                }
            }
        }
        else
        {
            foreach (var s in visible) rows.Add(SeriesRow(s, store, underBaseline: false, null));
        }
        return new PictureLegend(rows);
    }

    // The page's saved picture writes the page's baseline tag as words.
    private const string BaselineWords = " (baseline)";

    private static LegendRow SeriesRow(SeriesStore s, PlotStore store, bool underBaseline, string? tag)
    {
        bool baseline = store.IsBaseline(s);
        return new LegendRow(baseline && !underBaseline ? s.Name + BaselineWords : s.Name, s, Tag: tag, Baseline: baseline);
    }

    /// <summary>The column's width for a picture <paramref name="figureWidthPx"/> wide: its widest row, within bounds; 0 without rows.</summary>
    public float WidthPx(float figureWidthPx)
    {
        if (Rows.Count == 0) return 0;
        using var paint = Paint.NewDisposablePaint();
        float widest = 0;
        bool grouped = Rows[0].IsHeader;
        foreach (var row in Rows)
        {
            var style = StyleOf(row);
            float w = style.Measure(Shown(row), paint).Width;
            if (!row.IsHeader) w += (grouped ? IndentPx : 0) + SwatchPx + SwatchGapPx;
            if (row.Tag is not null) w += SwatchGapPx + TagStyle(row.Tag).Measure(row.Tag, paint).Width + 8;
            widest = Math.Max(widest, w);
        }
        float most = Math.Min(MostWidthPx, figureWidthPx * Figure.LegendMostShare);
        return Math.Clamp(MathF.Ceiling(widest + 2 * PadSidePx), Math.Min(LeastWidthPx, most), most);
    }

    /// <summary>Draws the column into <paramref name="rect"/> in <paramref name="palette"/>'s colours: its left border and its rows, cut at the rect's bottom.</summary>
    public void Draw(SKCanvas canvas, PixelRect rect, PicturePalette palette)
    {
        using var paint = Paint.NewDisposablePaint();
        new LineStyle(1, palette.Line) { AntiAlias = false }.Render(canvas, new PixelLine(rect.Left + 0.5f, rect.Top, rect.Left + 0.5f, rect.Bottom), paint);
        canvas.Save();
        canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
        float y = rect.Top + PadTopPx;
        bool grouped = Rows.Count > 0 && Rows[0].IsHeader;
        float textRight = rect.Right - PadSidePx;
        foreach (var row in Rows)
        {
            if (row.IsHeader) y += HeaderGapPx;
            float x = rect.Left + PadSidePx, middle = y + RowPx / 2;
            if (!row.IsHeader)
            {
                if (grouped) x += IndentPx;
                DrawSwatch(canvas, paint, row, x, middle, palette);
                x += SwatchPx + SwatchGapPx;
            }
            float tagWidth = row.Tag is null ? 0 : TagStyle(row.Tag).Measure(row.Tag, paint).Width + 8;
            var style = StyleOf(row, palette);
            style.Alignment = Alignment.MiddleLeft;
            float width = textRight - x - (tagWidth > 0 ? tagWidth + SwatchGapPx : 0);
            if (row.Producer)
            {
                // A run's name is what tells runs apart ("run1.arrow · train.py (2)"): it wraps, as on the page.
                var lines = Wrap(style, Shown(row), width, paint);
                for (int i = 0; i < lines.Count; i++) style.Render(canvas, new Pixel(x, middle + i * RowPx), paint, lines[i]);
                y += RowPx * lines.Count;
                continue;
            }
            style.Render(canvas, new Pixel(x, middle), paint, Fit(style, Shown(row), width, paint));
            if (row.Tag is not null)
            {
                var tag = TagStyle(row.Tag, palette);
                tag.Alignment = Alignment.MiddleRight;
                tag.Render(canvas, new Pixel(textRight - 4, middle), paint, row.Tag);
            }
            y += RowPx;
        }
        canvas.Restore();
    }

    // The page's swatch: the series' line across 28 px at mid-height, its marker in the middle.
    private static void DrawSwatch(SKCanvas canvas, Paint paint, LegendRow row, float left, float middle, PicturePalette palette)
    {
        var color = palette.SeriesColor(row.Series!, row.Baseline);
        var format = row.Series!.Look;
        if (format.DrawsLine)
        {
            var line = new LineStyle(1.5f, color, SeriesLook.Pattern(format.LineStyle));
            line.Render(canvas, new PixelLine(left + 1, middle, left + SwatchPx - 1, middle), paint);
        }
        if (format.DrawsMarkers) SeriesLook.Marker(format, color).Render(canvas, new Pixel(left + SwatchPx / 2, middle), paint);
    }

    private static bool IsShown(PlotLayout layout, int panel)
    {
        for (int i = 0; i < layout.Count; i++)
        {
            if (layout.Shown(i).Id == panel) return true;
        }
        return false;
    }

    // Panel headers are upper case, as the page's CSS shows them.
    private static string Shown(LegendRow row) => row.IsHeader && !row.Producer ? row.Text.ToUpperInvariant() : row.Text;

    private static LabelStyle StyleOf(LegendRow row, PicturePalette? palette = null)
    {
        var text = Shown(row);
        return new LabelStyle
        {
            FontName = PictureFont.For(text),
            FontSize = row.IsHeader && !row.Producer ? PictureTheme.LegendHeaderFontPx : PictureTheme.LegendFontPx,
            Bold = row.IsHeader,
            ForeColor = row.IsHeader && !row.Producer ? (palette ?? PicturePalette.Light).Muted : (palette ?? PicturePalette.Light).Ink,
        };
    }

    private static LabelStyle TagStyle(string text, PicturePalette? palette = null) => new()
    {
        FontName = PictureFont.For(text),
        FontSize = 11.5f,
        ForeColor = (palette ?? PicturePalette.Light).Muted,
        BorderColor = (palette ?? PicturePalette.Light).Line,
        BorderWidth = 1,
        BorderRadius = 3,
        PixelPadding = new PixelPadding(4, 4, 1, 1),
    };

    // The text in lines that fit the width, at most three (the last cut with an ellipsis): broken at a space, or inside
    // a word too long for a line (a file name), as the page's overflow-wrap: anywhere.
    private static List<string> Wrap(LabelStyle style, string text, float widthPx, Paint paint)
    {
        const int most = 3;
        var lines = new List<string>();
        string rest = text;
        while (lines.Count < most - 1 && style.Measure(rest, paint).Width > widthPx)
        {
            int end = rest.Length;
            while ((end = rest.LastIndexOf(' ', end - 1)) > 0 && style.Measure(rest[..end], paint).Width > widthPx) { }
            int next = end + 1;
            if (end <= 0)
            {
                // No space ends a line that fits: as many characters as fit, at least one.
                end = rest.Length - 1;
                while (end > 1 && style.Measure(rest[..end], paint).Width > widthPx) end--;
                next = end;
            }
            lines.Add(rest[..end]);
            rest = rest[next..].TrimStart();
        }
        lines.Add(Fit(style, rest, widthPx, paint));
        return lines;
    }

    // The text cut with an ellipsis to fit the width, as the page's legend cuts a long name.
    private static string Fit(LabelStyle style, string text, float widthPx, Paint paint)
    {
        if (style.Measure(text, paint).Width <= widthPx) return text;
        for (int n = text.Length - 1; n > 0; n--)
        {
            var cut = text[..n].TrimEnd() + "…";
            if (style.Measure(cut, paint).Width <= widthPx) return cut;
        }
        return "…";
    }
}
