using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The colours a picture is drawn in: the page's light theme (<see cref="Light"/>, the default) or its dark one
/// (<see cref="Dark"/>), each the colours of web/src/style.css's variables for that theme, and each series in its
/// colour for that theme (<see cref="SeriesPalette"/>), a baseline's muted by the theme's <see cref="BaselineOpacity"/>.
/// </summary>
/// <param name="IsDark">Whether this is the dark theme.</param>
/// <param name="Background">The background (--bg).</param>
/// <param name="Ink">Text: titles, legend names (--ink).</param>
/// <param name="Muted">Quieter text: legend headers, notes (--muted).</param>
/// <param name="Line">Separating lines: under the title, beside the legend (--line).</param>
/// <param name="Axis">Tick labels and axis names (--axis).</param>
/// <param name="Grid">Grid lines (--grid).</param>
/// <param name="Tick">Tick marks (--tick).</param>
/// <param name="BaselineOpacity">How opaque a baseline's lines and markers are drawn (the page's BASELINE_OPACITY in web/src/looks.js).</param>
internal sealed record PicturePalette(bool IsDark, Color Background, Color Ink, Color Muted, Color Line, Color Axis, Color Grid, Color Tick, float BaselineOpacity)
{
    /// <summary>The page's light theme: what pictures are drawn in unless asked otherwise.</summary>
    public static PicturePalette Light { get; } = new(false, PictureTheme.Background, PictureTheme.Ink, PictureTheme.Muted, PictureTheme.Line, PictureTheme.Axis, PictureTheme.Grid, PictureTheme.Tick,
        BaselineOpacity: 0.35f);

    /// <summary>The page's dark theme (style.css under prefers-color-scheme: dark).</summary>
    /// <remarks>
    /// A baseline is drawn more opaque here than on the light theme: at 35 % its colour mixed with the near-black
    /// background fell to about 1.4:1 and the baseline all but vanished; at 60 % every dark series colour keeps 2.2:1
    /// or more, still well under the 4.5:1 or more of the live series drawn over it.
    /// </remarks>
    public static PicturePalette Dark { get; } = new(true, Color.FromHex("#0d1117"), Color.FromHex("#e6edf3"), Color.FromHex("#8d96a0"),
        Color.FromHex("#30363d"), Color.FromHex("#c9d1d9"), Color.FromHex("#21262d"), Color.FromHex("#30363d"), BaselineOpacity: 0.6f);

    /// <summary>The theme named <paramref name="name"/> ("light" or "dark"); throws <see cref="ArgumentException"/> naming any other.</summary>
    public static PicturePalette Named(string name) => name switch
    {
        "light" => Light,
        "dark" => Dark,
        _ => throw new ArgumentException($"theme \"{name}\" is neither light nor dark", nameof(name)),
    };

    /// <summary>The colour <paramref name="series"/> is drawn in on this theme.</summary>
    public Color SeriesColor(SeriesStore series) => Color.FromHex(IsDark ? series.DarkColor : series.Color);

    /// <summary>The colour <paramref name="series"/> is drawn in on this theme, muted by <see cref="BaselineOpacity"/> when it is a <paramref name="baseline"/>'s.</summary>
    public Color SeriesColor(SeriesStore series, bool baseline) => baseline ? SeriesColor(series).WithAlpha(BaselineOpacity) : SeriesColor(series);
}
