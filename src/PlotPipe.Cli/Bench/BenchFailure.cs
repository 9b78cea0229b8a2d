namespace PlotPipe.Cli.Bench;

/// <summary>A scenario could not produce a trustworthy figure (lost points, a viewer that did not answer).</summary>
internal sealed class BenchFailure(string message) : Exception(message);
