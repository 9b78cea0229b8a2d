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
        char? color = null, marker = null;
        string? line = null;
        int i = 0;
        while (i < format.Length)
        {
            string? style = null;
            foreach (var s in LineStyles)
            {
                if (string.CompareOrdinal(format, i, s, 0, s.Length) == 0) { style = s; break; }
            }
            if (style is not null)
            {
                if (line is not null)
                    throw new ArgumentException($"format string \"{format}\" has two line styles (\"{line}\" and \"{style}\")", nameof(format));
                line = style;
                i += style.Length;
                continue;
            }
            char ch = format[i];
            if (Colors.ContainsKey(ch))
            {
                if (color is not null)
                    throw new ArgumentException($"format string \"{format}\" has two colours ('{color}' and '{ch}')", nameof(format));
                color = ch;
            }
            else if (Markers.Contains(ch))
            {
                if (marker is not null)
                    throw new ArgumentException($"format string \"{format}\" has two markers ('{marker}' and '{ch}')", nameof(format));
                marker = ch;
            }
            else
            {
                throw new ArgumentException(
                    $"format string \"{format}\" has unknown character '{ch}' at position {i}; use a colour (bgrcmykw), a marker (o.s^vx+*) or a line style (- -- : -.)",
                    nameof(format));
            }
            i++;
        }
        if (marker is null && line is null)
        {
            if (kind == SeriesKind.Scatter) marker = 'o';
            else line = "-";
        }
        return new PlotFormat(color, marker, line);
    }
}
