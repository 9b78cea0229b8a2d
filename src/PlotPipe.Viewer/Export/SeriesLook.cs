using PlotPipe.Protocol;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// A series' line and markers as the page draws them (web/src/draw.js): 1.5 px lines (1 px once points outnumber
/// the columns, a band of M4 segments), the page's dash patterns, markers of radius 3 px.
/// </summary>
internal static class SeriesLook
{
    private static readonly LinePattern Dashed = new([6, 4], 0, "--");
    private static readonly LinePattern Dotted = new([1.5f, 3], 0, ":");
    private static readonly LinePattern DashDot = new([6, 3, 1.5f, 3], 0, "-.");

    /// <summary>The line's width in pixels for <paramref name="points"/> drawn across <paramref name="widthPx"/> columns.</summary>
    public static float LineWidth(int points, float widthPx) => points > widthPx ? 1 : 1.5f;

    /// <summary>The dash pattern of a matplotlib line style.</summary>
    public static LinePattern Pattern(string? lineStyle) => lineStyle switch
    {
        "--" => Dashed,
        ":" => Dotted,
        "-." => DashDot,
        _ => LinePattern.Solid,
    };

    /// <summary>The chart library's marker for a matplotlib marker character, sized and coloured as on the page.</summary>
    public static MarkerStyle Marker(PlotFormat format, Color color, float scale = 1)
    {
        var (shape, size) = format.Marker switch
        {
            'o' => (MarkerShape.FilledCircle, 6f),
            '.' => (MarkerShape.FilledSquare, 3f),
            's' => (MarkerShape.FilledSquare, 6f),
            '^' => (MarkerShape.FilledTriangleUp, 7f),
            'v' => (MarkerShape.FilledTriangleDown, 7f),
            'x' => (MarkerShape.Eks, 6f),
            '+' => (MarkerShape.Cross, 6f),
            '*' => (MarkerShape.Asterisk, 6f),
            _ => (MarkerShape.None, 0f),
        };
        var marker = new MarkerStyle(shape, size * scale, color);
        if (shape.IsLineOnly()) marker.LineWidth = 1.2f * scale;
        return marker;
    }

    /// <summary>Markers of a series with more points than this are drawn smaller, as on the page.</summary>
    public const int ManyMarkers = 20_000;
}
