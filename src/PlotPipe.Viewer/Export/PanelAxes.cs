using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// How one panel of a saved picture maps data to picture units on each axis: scaled numbers, log10, or OLE
/// Automation dates for time. A value the axis cannot show (≤ 0 on a log axis) maps to NaN.
/// </summary>
/// <param name="X">The x axis' kind.</param>
/// <param name="Y">The y axis' kind.</param>
/// <param name="XScale">Picture units per data unit on a linear x axis (see <see cref="AxisRange.Scale"/>).</param>
/// <param name="YScale">Picture units per data unit on a linear y axis.</param>
internal readonly record struct PanelAxes(AxisKind X, AxisKind Y, double XScale = 1, double YScale = 1)
{
    private const double SecondsPerDay = 86_400;

    // 1970-01-01 as an OLE Automation date.
    private const double UnixEpochOADate = 25_569;

    /// <summary>A millisecond in picture units of a time axis: a smaller span of times is drawn as one instant.</summary>
    public const double Millisecond = 1e-3 / SecondsPerDay;

    /// <summary>x in picture units, or NaN when the axis cannot show it.</summary>
    public double ToX(double x) => To(X, XScale, x);

    /// <summary>y in picture units, or NaN when the axis cannot show it.</summary>
    public double ToY(double y) => To(Y, YScale, y);

    /// <summary>Whether the axis of this kind draws <paramref name="value"/> (a log axis draws only positive values).</summary>
    public static bool Shows(AxisKind kind, double value) => kind != AxisKind.Log || value > 0;

    private static double To(AxisKind kind, double scale, double v) => kind switch
    {
        AxisKind.Log => v > 0 ? Math.Log10(v) : double.NaN,
        AxisKind.Time => v / SecondsPerDay + UnixEpochOADate,
        _ => v * scale,
    };
}
