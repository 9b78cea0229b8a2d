using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>A marker's label waiting for its panel's data area to be laid out, when it can be put where it fits.</summary>
/// <param name="Text">The marker's text, whole.</param>
/// <param name="X">Where its line (or its span's start) is, in picture units.</param>
/// <param name="Ink">Its colour: the marker's.</param>
internal readonly record struct MarkerLabel(string Text, double X, Color Ink);
