namespace PlotPipe.Cli.Bench;

/// <summary>One measured figure: where it comes from, its value and unit, and the target it is held to (if any).</summary>
internal sealed record BenchRow(string Scenario, string Figure, double Value, string Unit, string? Target = null, bool? Met = null, string? Note = null);
