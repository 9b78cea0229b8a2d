namespace PlotPipe.Protocol;

/// <summary>A series as a DefineSeries frame names it.</summary>
/// <param name="Id">The id its Points frames carry.</param>
/// <param name="Kind">Scatter or line.</param>
/// <param name="Name">What the legend shows.</param>
/// <param name="Format">A matplotlib-style format string such as "ro" or "b-".</param>
/// <param name="Panel">The panel it is drawn in (0: the default panel; always 0 in version 1).</param>
/// <param name="Flags">How to read its values, such as time on x (always none in version 1).</param>
public sealed record SeriesDefinition(int Id, SeriesKind Kind, string Name, string Format, int Panel = 0, SeriesFlags Flags = SeriesFlags.None);
