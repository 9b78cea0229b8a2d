using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The page's light theme and sizes as a picture draws them: the colours of web/src/style.css's :root (a test holds
/// them equal; <see cref="PicturePalette"/> chooses between them and the dark theme's), and the pixel sizes of its
/// fonts, axes and paddings (web/src/axes.js and uPlot's defaults).
/// </summary>
internal static class PictureTheme
{
    /// <summary>The background (--bg).</summary>
    public static readonly Color Background = Color.FromHex("#ffffff");

    /// <summary>Text: titles, legend names (--ink).</summary>
    public static readonly Color Ink = Color.FromHex("#1f2328");

    /// <summary>Quieter text: legend headers, notes (--muted).</summary>
    public static readonly Color Muted = Color.FromHex("#656d76");

    /// <summary>Separating lines: under the title, beside the legend (--line).</summary>
    public static readonly Color Line = Color.FromHex("#d0d7de");

    /// <summary>Tick labels and axis names (--axis).</summary>
    public static readonly Color Axis = Color.FromHex("#1f2328");

    /// <summary>Grid lines (--grid).</summary>
    public static readonly Color Grid = Color.FromHex("#eaeef2");

    /// <summary>Tick marks (--tick).</summary>
    public static readonly Color Tick = Color.FromHex("#d0d7de");

    /// <summary>Tick labels and axis names, in pixels (the axes' 12 px font).</summary>
    public const float AxisFontPx = 12;

    /// <summary>The plot's title (h1, 1.15rem).</summary>
    public const float TitleFontPx = 18.4f;

    /// <summary>A panel's title (0.85rem).</summary>
    public const float PanelTitleFontPx = 13.6f;

    /// <summary>Legend names (0.85rem).</summary>
    public const float LegendFontPx = 13.6f;

    /// <summary>Legend headers of panel groups (0.78rem).</summary>
    public const float LegendHeaderFontPx = 12.5f;

    /// <summary>The note of values a log axis left out (0.75rem).</summary>
    public const float NoteFontPx = 12;

    /// <summary>The band the plot's title takes at the top (the page's header).</summary>
    public const float TitleBandPx = 44;

    /// <summary>The band a panel's title takes above its chart.</summary>
    public const float PanelTitleBandPx = 21;

    /// <summary>The x axis' height per line of tick labels (12 px × uPlot's 1.5 line gap).</summary>
    public const float XAxisLinePx = 18;

    /// <summary>The x axis' height beyond its lines: tick marks and the gap to the labels.</summary>
    public const float XAxisExtraPx = 14;

    /// <summary>The y axis' width beyond its widest tick label.</summary>
    public const float YAxisExtraPx = 22;

    /// <summary>The least width of a tick label the y axis keeps room for.</summary>
    public const float YAxisLeastLabelPx = 24;

    /// <summary>The band an axis name takes beside its axis.</summary>
    public const float AxisNameBandPx = 22;

    /// <summary>Tick marks' length (uPlot's default).</summary>
    public const float TickPx = 10;

    /// <summary>Between a tick mark's end and its label (uPlot's default gap).</summary>
    public const float TickGapPx = 5;

    /// <summary>Space above the data area (uPlot: a third of its default axis size).</summary>
    public const float DataTopPx = 17;

    /// <summary>Space right of the data area (uPlot: half of its default axis size).</summary>
    public const float DataRightPx = 25;

    /// <summary>Least space between the last x label and the legend's rule.</summary>
    public const float LabelGapPx = 6;
}
