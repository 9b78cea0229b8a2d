namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// How text input is read and shown: which field is x and whether it is a time, lines to skip, the columns' names,
/// the plot's title and labels, the panels columns go into, and the longest line taken.
/// </summary>
internal sealed class TextOptions
{
    /// <summary>The default line-length limit: 64 KiB.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>The <see cref="XField"/> that makes x the line number.</summary>
    public const string LineNumber = "@line";

    /// <summary>The <see cref="XField"/> that makes x the time each line arrived (Unix seconds, a time axis).</summary>
    public const string ArrivalTime = "@time";

    /// <summary>
    /// The header column or JSON field that holds x, <see cref="LineNumber"/> or <see cref="ArrivalTime"/>; null:
    /// chosen from the data (<see cref="TextXRule"/>).
    /// </summary>
    public string? XField { get; set; }

    /// <summary>Read x as a time (ISO-8601, or a Unix time in seconds or, by its size, ms, µs or ns), stored as Unix seconds.</summary>
    public bool XTime { get; set; }

    /// <summary>
    /// The JSON field whose string value makes its line a marker (<c>--events</c>): a mark at the line's x with that
    /// text; the line's numeric fields are plotted as on any other line. Null: no field makes markers.
    /// </summary>
    public string? EventsField { get; set; }

    /// <summary>Lines at the start of the input passed over unread (<c>--skip</c>).</summary>
    public int Skip { get; set; }

    /// <summary>The columns' names (<c>--columns</c>): no line is taken as the header; null: from the header, if any.</summary>
    public IReadOnlyList<string>? Columns { get; set; }

    /// <summary>The plot's title, or null.</summary>
    public string? Title { get; set; }

    /// <summary>The x axis label, or null (then the x column's name, or "line").</summary>
    public string? XLabel { get; set; }

    /// <summary>The default panel's y axis label, or null.</summary>
    public string? YLabel { get; set; }

    /// <summary>Panels that columns or JSON fields go into (<c>--panel</c>); the others stay in the default panel.</summary>
    public List<TextPanel> Panels { get; } = [];

    /// <summary>
    /// The text-input options given on the command line, as a phrase ("--title is", "--x and --title are"), or null:
    /// said once when the input turns out to be frames, which they do not shape.
    /// </summary>
    public string? GivenOptions { get; set; }

    /// <summary>The clock <see cref="ArrivalTime"/> reads.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>A line longer than this many bytes (without its newline) is a bad line; no more than this is buffered for it.</summary>
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;

    /// <summary>Whether x is the line number by choice (<c>--x @line</c>).</summary>
    public bool XIsLineNumber => XField == LineNumber;

    /// <summary>Whether x is the arrival time (<c>--x @time</c>).</summary>
    public bool XIsArrival => XField == ArrivalTime;

    /// <summary>The header column or JSON field named as x, or null when x is chosen otherwise.</summary>
    public string? XName => XField is null || XIsLineNumber || XIsArrival ? null : XField;

    /// <summary>
    /// Takes <c>--columns</c> and <c>--panel</c> as the command line gives them and checks the options together;
    /// returns why they are refused (one line naming the option), or null when all is well.
    /// </summary>
    public string? ReadShape(string? columns, IReadOnlyList<string>? panels)
    {
        if (XTime && XIsLineNumber) return $"--x-time and --x {LineNumber} contradict each other: line numbers are not times";
        if (XField is { Length: 0 }) return "--x needs a column or field name, @line or @time";
        if (XField is ['@', ..] && XName is not null) return $"--x {XField}: the names starting with @ are {LineNumber} and {ArrivalTime}";
        if (columns is not null)
        {
            var names = columns.Split(',');
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = names[i].Trim();
                if (names[i].Length == 0) return $"--columns \"{columns}\": column {i + 1} has no name (give them as a,b,c)";
            }
            Columns = names;
        }
        foreach (var spec in panels ?? [])
        {
            if (!TextPanel.TryParse(spec, out var panel, out var why)) return $"--panel \"{spec}\": {why}";
            foreach (var name in panel.Names)
            {
                foreach (var earlier in Panels)
                {
                    if (earlier.Names.Contains(name)) return $"--panel \"{spec}\": \"{name}\" is already in panel \"{earlier.Title}\"";
                }
            }
            if (Panels.Count == TextPanel.MaxPanels) return $"--panel \"{spec}\": a plot holds at most {TextPanel.MaxPanels} panels besides the default one";
            Panels.Add(panel);
        }
        return null;
    }
}
