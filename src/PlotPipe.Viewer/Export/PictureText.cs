using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The words a picture shows, by the page's rules (web/src/decode.js and app.js): the producer's title (none when it
/// gave none: the viewer's placeholder title is not the producer's), each panel's title, and its axis names: the
/// labels defined, or "x" and "y" while nothing at all is defined (a time axis takes no "x": its ticks say what it
/// is). A time axis says UTC as well, since a file has no time zone while the page shows the browser's.
/// </summary>
internal static class PictureText
{
    /// <summary>The plot's title as the page shows it, or null for none.</summary>
    public static string? Title(string title) => title.Length > 0 && title != PlotDefinition.DefaultTitle ? title : null;

    /// <summary>Whether the producer defined nothing: no title, one panel, and that panel without title or labels.</summary>
    public static bool NothingDefined(string? title, PlotLayout layout)
    {
        if (title is not null || layout.Count != 1) return false;
        var only = layout.Shown(0).Definition;
        return Empty(only.Title) && Empty(only.XLabel) && Empty(only.YLabel);
    }

    /// <summary>The panel's x axis name on the page, or null for none.</summary>
    public static string? XName(in PanelLayout panel, bool nothingDefined) =>
        !Empty(panel.Definition.XLabel) ? panel.Definition.XLabel : nothingDefined && panel.X != AxisKind.Time ? "x" : null;

    /// <summary>The panel's y axis name on the page, or null for none.</summary>
    public static string? YName(in PanelLayout panel, bool nothingDefined) =>
        !Empty(panel.Definition.YLabel) ? panel.Definition.YLabel : nothingDefined ? "y" : null;

    /// <summary>
    /// The x axis name a picture draws: the page's, and on a time axis "(UTC)" after it ("time (UTC)" alone), unless
    /// the name already says UTC.
    /// </summary>
    public static string? PictureXName(in PanelLayout panel, bool nothingDefined)
    {
        var name = XName(panel, nothingDefined);
        if (panel.X != AxisKind.Time || (name?.Contains("UTC", StringComparison.OrdinalIgnoreCase) ?? false)) return name;
        return name is null ? "time (UTC)" : $"{name} (UTC)";
    }

    /// <summary>A panel's title, or null for none.</summary>
    public static string? PanelTitle(PanelDefinition panel) => Empty(panel.Title) ? null : panel.Title;

    /// <summary>A panel's name in the legend's headers: its title, else "Main" for the default panel and "Panel N" for others.</summary>
    public static string PanelName(PanelDefinition panel) => PanelTitle(panel) ?? (panel.Id == 0 ? "Main" : $"Panel {panel.Id}");

    private static bool Empty(string? text) => string.IsNullOrEmpty(text);
}
