namespace PlotPipe.Protocol;

/// <summary>A series as a DefineSeries frame names it.</summary>
/// <param name="Id">The id its Points frames carry.</param>
/// <param name="Kind">Scatter or line.</param>
/// <param name="Name">What the legend shows.</param>
/// <param name="Format">A matplotlib-style format string such as "ro" or "b-".</param>
public sealed record SeriesDefinition(int Id, SeriesKind Kind, string Name, string Format);
