namespace PlotPipe.Protocol;

/// <summary>A parsed matplotlib-style format string: colour letter, marker and line style, in any order.</summary>
public readonly record struct PlotFormat(char? Color, char? Marker, string? LineStyle)
{
    /// <summary>Colour letters and the CSS colours they stand for, as matplotlib defines them.</summary>
    public static IReadOnlyDictionary<char, string> Colors { get; } = new Dictionary<char, string>
    {
        ['b'] = "#0000ff", ['g'] = "#008000", ['r'] = "#ff0000", ['c'] = "#00bfbf",
        ['m'] = "#bf00bf", ['y'] = "#bfbf00", ['k'] = "#000000", ['w'] = "#ffffff",
    };

    /// <summary>Colours given to series whose format names none, in turn (matplotlib's default cycle).</summary>
    public static IReadOnlyList<string> Cycle { get; } =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const string Markers = "o.s^vx+*";
    private static readonly string[] LineStyles = ["--", "-.", "-", ":"];

    /// <summary>Whether the series draws markers at its points.</summary>
    public bool DrawsMarkers => Marker is not null;

    /// <summary>Whether the series draws a line between its points.</summary>
    public bool DrawsLine => LineStyle is not null;

    /// <summary>The CSS colour of series number <paramref name="index"/> under this format.</summary>
    public string CssColor(int index) => Color is char c ? Colors[c] : Cycle[index % Cycle.Count];

    /// <summary>
    /// Parses <paramref name="format"/>; throws <see cref="ArgumentException"/> naming the bad part.
    /// With neither marker nor line style, a scatter gets "o" markers and a line a solid "-" line.
    /// </summary>
    public static PlotFormat Parse(string format, SeriesKind kind)
    {
        ArgumentNullException.ThrowIfNull(format);
        return TryParse(format, kind, out var parsed, out _, out var problem)
            ? parsed
            : throw new ArgumentException(problem, nameof(format));
    }

    /// <summary>
    /// Parses without throwing, for the decoder, which must name the offending byte: on failure
    /// <paramref name="badIndex"/> is the position of the first character that cannot stand where it is.
    /// </summary>
    internal static bool TryParse(string format, SeriesKind kind, out PlotFormat parsed, out int badIndex, out string problem)
    {
        char? color = null, marker = null;
        string? line = null;
        parsed = default;
        problem = "";
        int i = 0;
        while (i < format.Length)
        {
            badIndex = i;
            string? style = null;
            // Longest first, so "--" and "-." are never read as "-" followed by something else.
            foreach (var s in LineStyles)
            {
                if (string.CompareOrdinal(format, i, s, 0, s.Length) == 0) { style = s; break; }
            }
            if (style is not null)
            {
                if (line is not null)
                {
                    problem = $"format string \"{Shown(format)}\" has two line styles (\"{line}\" and \"{style}\")";
                    return false;
                }
                line = style;
                i += style.Length;
                continue;
            }
            char ch = format[i];
            if (Colors.ContainsKey(ch))
            {
                if (color is not null)
                {
                    problem = $"format string \"{Shown(format)}\" has two colours ('{color}' and '{ch}')";
                    return false;
                }
                color = ch;
            }
            else if (Markers.Contains(ch))
            {
                if (marker is not null)
                {
                    problem = $"format string \"{Shown(format)}\" has two markers ('{marker}' and '{ch}')";
                    return false;
                }
                marker = ch;
            }
            else
            {
                string character = ch is >= ' ' and <= '~' ? $"'{ch}'" : $"U+{(int)ch:X4}";
                problem = $"format string \"{Shown(format)}\" has unknown character {character} at position {i}; " +
                    "use a colour (bgrcmykw), a marker (o.s^vx+*) or a line style (- -- : -.)";
                return false;
            }
            i++;
        }
        badIndex = -1;
        if (marker is null && line is null)
        {
            if (kind == SeriesKind.Scatter) marker = 'o';
            else line = "-";
        }
        parsed = new PlotFormat(color, marker, line);
        return true;
    }

    // Only printable ASCII goes into a message: a format off the wire may hold terminal control bytes.
    private static string Shown(string format) => string.Create(format.Length, format, static (span, f) =>
    {
        for (int k = 0; k < f.Length; k++) span[k] = f[k] is >= ' ' and <= '~' ? f[k] : '?';
    });
}
