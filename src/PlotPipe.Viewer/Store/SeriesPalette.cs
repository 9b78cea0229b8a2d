using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// The one place that decides how a series looks: its colour on the light and the dark theme, and the style of its
/// run when several runs carry a series of the same name. The page and the pictures draw what this gives (the meta
/// message and <c>GET /api/series</c> carry both colours; see README "Colours and runs").
/// </summary>
/// <remarks>
/// Series without a colour of their own take Tableau 20 (the palette matplotlib ships as "tab20"): first its ten
/// strong colours in turn, which are matplotlib's default cycle, so a plot of up to ten series looks as it always did,
/// then their ten light companions, so 20 series of a panel differ before a colour comes back. The companions are pale
/// on white, so a panel takes them only once it holds ten series itself: before that its next series takes the strong
/// colour it lacks that fewest series of the plot have (<see cref="SeriesRegistry"/>). Colour letters are matplotlib's,
/// and the letter of the background's own colour (white on the light theme, black on the dark one) becomes a mid
/// grey. On the dark theme every colour stands at least 4.5:1 (WCAG contrast) from the background (#0d1117): a thin
/// line at the old 3:1 read dim there. Those under it are lightened in their own hue: four of the cycle's strong
/// colours and the letters g and m with hue and saturation kept and HSL lightness raised until they stand 5:1, a
/// margin over the rule for anti-aliased lines, and b (lightened first, under the old rule) turned 10° toward azure
/// as well. The rest are as on the light theme, so most series keep their colour when the theme changes.
/// </remarks>
internal static class SeriesPalette
{
    /// <summary>Colours of series whose format names none, in turn (Tableau 20, strong colours first).</summary>
    public static IReadOnlyList<string> Cycle { get; } =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    /// <summary>Places in the cycle: the ten strong colours, then their ten light companions.</summary>
    public const int CycleLength = 20;

    /// <summary>Whether the cycle's place <paramref name="slot"/> is one of the light companions, pale on white.</summary>
    public static bool IsLightCompanion(int slot) => slot % CycleLength >= CycleLength / 2;

    /// <summary>The cycle on the dark theme: <see cref="Cycle"/>, its colours under 4.5:1 there lightened in their hue to 5:1.</summary>
    public static IReadOnlyList<string> DarkCycle { get; } =
    [
        "#2489cf", "#ff7f0e", "#2ca02c", "#e05455", "#9c72c2", "#af7569", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    /// <summary>Colour letters on the light theme: matplotlib's, but white, which would not show on white, is grey.</summary>
    public static IReadOnlyDictionary<char, string> LightLetters { get; } = new Dictionary<char, string>
    {
        ['b'] = "#0000ff", ['g'] = "#008000", ['r'] = "#ff0000", ['c'] = "#00bfbf",
        ['m'] = "#bf00bf", ['y'] = "#bfbf00", ['k'] = "#000000", ['w'] = "#8c959f",
    };

    /// <summary>Colour letters on the dark theme: blue, green and magenta made lighter in their hue to stand 4.5:1 from the background, and black grey.</summary>
    public static IReadOnlyDictionary<char, string> DarkLetters { get; } = new Dictionary<char, string>
    {
        ['b'] = "#6680ff", ['g'] = "#009a00", ['r'] = "#ff0000", ['c'] = "#00bfbf",
        ['m'] = "#e700e7", ['y'] = "#bfbf00", ['k'] = "#9198a1", ['w'] = "#ffffff",
    };

    /// <summary>The line styles a run takes in turn, from the series' own.</summary>
    private static readonly string[] RunLines = ["-", "--", ":", "-."];

    /// <summary>The markers a run of marker-only series takes in turn, from the series' own.</summary>
    private const string RunMarkers = "os^vx+*.";

    /// <summary>The CSS colour on the light theme (and in pictures) of a series of <paramref name="format"/> at <paramref name="slot"/> in the cycle.</summary>
    public static string Light(PlotFormat format, int slot) =>
        format.Color is char c ? LightLetters[c] : Cycle[slot % Cycle.Count];

    /// <summary>The CSS colour on the dark theme of a series of <paramref name="format"/> at <paramref name="slot"/> in the cycle.</summary>
    public static string Dark(PlotFormat format, int slot) =>
        format.Color is char c ? DarkLetters[c] : DarkCycle[slot % DarkCycle.Count];

    /// <summary>
    /// The look of <paramref name="format"/> for the run numbered <paramref name="run"/> among the runs that carry a
    /// series of this name (0: the first, drawn as its format says). A later run takes the next line style, or for
    /// markers alone the next marker, so the runs of one series keep its colour and differ in stroke.
    /// </summary>
    public static PlotFormat ForRun(PlotFormat format, int run)
    {
        if (run <= 0) return format;
        if (format.LineStyle is string line)
        {
            int at = Array.IndexOf(RunLines, line);
            return format with { LineStyle = RunLines[(at + run) % RunLines.Length] };
        }
        if (format.Marker is char marker)
        {
            int at = RunMarkers.IndexOf(marker);
            return format with { Marker = RunMarkers[(at + run) % RunMarkers.Length] };
        }
        return format;
    }

    /// <summary>The line style's name as <c>GET /api/series</c> gives it: solid, dashed, dotted, dashdot or none.</summary>
    public static string DashName(string? lineStyle) => lineStyle switch
    {
        "-" => "solid",
        "--" => "dashed",
        ":" => "dotted",
        "-." => "dashdot",
        _ => "none",
    };
}
