using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// How one panel of a saved picture maps data to picture units on each axis: log10 on a log axis, Unix seconds on a
/// time axis, the value times a scale on a linear one. A value the axis cannot show (≤ 0 on a log axis) maps to NaN.
/// </summary>
/// <param name="X">The x axis' kind.</param>
/// <param name="Y">The y axis' kind.</param>
/// <param name="XScale">Picture units per data unit on a linear x axis (see <see cref="ScaleFor"/>).</param>
/// <param name="YScale">Picture units per data unit on a linear y axis.</param>
internal readonly record struct PanelAxes(AxisKind X, AxisKind Y, double XScale = 1, double YScale = 1)
{
    // Beyond this a span plus the chart library's pixel arithmetic (value − min, times pixels per unit) could reach infinity.
    private const double LargestDrawn = double.MaxValue / 16;

    /// <summary>
    /// Picture units per data unit for a linear axis from <paramref name="min"/> to <paramref name="max"/>: 1, or 1/10
    /// when the data reach so close to <see cref="double.MaxValue"/> that pixel arithmetic would overflow. Tick
    /// labels still read the data's own values.
    /// </summary>
    public static double ScaleFor(double min, double max) => Math.Max(Math.Abs(min), Math.Abs(max)) > LargestDrawn ? 0.1 : 1;

    /// <summary>x in picture units, or NaN when the axis cannot show it.</summary>
    public double ToX(double x) => To(X, XScale, x);

    /// <summary>y in picture units, or NaN when the axis cannot show it.</summary>
    public double ToY(double y) => To(Y, YScale, y);

    private static double To(AxisKind kind, double scale, double v) => kind switch
    {
        AxisKind.Log => v > 0 ? Math.Log10(v) : double.NaN,
        AxisKind.Time => v,
        _ => v * scale,
    };
}
