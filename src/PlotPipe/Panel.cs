using PlotPipe.Protocol;

namespace PlotPipe;

/// <summary>
/// One chart of a plot, stacked below the panels made before it, with its own y axis, title and labels, as one
/// matplotlib subplot. Made by <see cref="LivePlot.Panel"/>; its series are made here.
/// </summary>
public sealed class Panel
{
    private readonly LivePlot _plot;

    internal Panel(LivePlot plot, int id, string? title, PanelOptions options)
    {
        _plot = plot;
        Id = id;
        Title = title;
        Options = options;
    }

    /// <summary>The title shown above the panel, or null for none.</summary>
    public string? Title { get; }

    /// <summary>The panel's axes, as given when it was made.</summary>
    public PanelOptions Options { get; }

    internal int Id { get; }

    /// <summary>Adds a line series to this panel: points joined in order of x, which must not decrease. <paramref name="format"/> as in matplotlib, e.g. "b-".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Line(string name, string format = "-") => _plot.AddSeries(SeriesKind.Line, name, format, Id);

    /// <summary>Adds a scatter series to this panel: markers at each point, in any order. <paramref name="format"/> as in matplotlib, e.g. "ro".</summary>
    /// <exception cref="ArgumentException">The name or format string is invalid.</exception>
    public Series Scatter(string name, string format = "o") => _plot.AddSeries(SeriesKind.Scatter, name, format, Id);
}
