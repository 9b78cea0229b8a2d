using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// A panel asked for with <c>--panel "Title[:log]=name,name"</c>: the columns (or JSON fields) it draws, its title
/// and whether its y axis is logarithmic.
/// </summary>
/// <param name="Title">Shown above the panel.</param>
/// <param name="LogY">Whether its y axis is logarithmic.</param>
/// <param name="Names">The series it draws, by column or field name.</param>
internal sealed record TextPanel(string Title, bool LogY, IReadOnlyList<string> Names)
{
    /// <summary>Panels text input may define besides the default one (the ids the protocol leaves).</summary>
    public const int MaxPanels = ProtocolLimits.MaxPanels - 1;

    /// <summary>Reads <c>Title[:log|:linear]=name,name</c>; <paramref name="why"/> says what is wrong when it cannot.</summary>
    public static bool TryParse(string spec, out TextPanel panel, out string why)
    {
        panel = null!;
        int equals = spec.IndexOf('=');
        if (equals < 0)
        {
            why = "give it as TITLE=NAME,NAME (TITLE:log=... for a log y axis)";
            return false;
        }
        var title = spec[..equals].Trim();
        bool log = false;
        int colon = title.LastIndexOf(':');
        if (colon >= 0)
        {
            var scale = title[(colon + 1)..].Trim();
            if (scale is not ("log" or "linear"))
            {
                why = $"the scale after ':' must be log or linear, not \"{scale}\"";
                return false;
            }
            log = scale == "log";
            title = title[..colon].Trim();
        }
        if (title.Length == 0)
        {
            why = "the panel needs a title before '='";
            return false;
        }
        var names = spec[(equals + 1)..].Split(',');
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = names[i].Trim();
            if (names[i].Length == 0)
            {
                why = names.Length == 1 ? "name the columns it draws after '='" : $"name {i + 1} after '=' is empty";
                return false;
            }
        }
        panel = new TextPanel(title, log, names);
        why = "";
        return true;
    }
}
