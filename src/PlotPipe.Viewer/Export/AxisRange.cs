namespace PlotPipe.Viewer.Export;

/// <summary>
/// One axis of a saved picture: the limits to draw, in the picture's units, and the factor from data units to those
/// units (1, or 1/10 when the data reach so close to <see cref="double.MaxValue"/> that a span or a margin would overflow).
/// </summary>
/// <param name="Min">Lower limit, in picture units.</param>
/// <param name="Max">Upper limit, in picture units.</param>
/// <param name="Scale">Picture units per data unit.</param>
internal readonly record struct AxisRange(double Min, double Max, double Scale)
{
    // Beyond this, a span (max - min) plus margins and the chart library's tick arithmetic could reach infinity.
    private const double LargestDrawn = double.MaxValue / 16;

    // Below this a span is noise: tick spacing turns denormal, so such data are drawn around their centre instead.
    private const double SmallestSpan = 1e-290;

    /// <summary>
    /// The axis for finite data from <paramref name="lo"/> to <paramref name="hi"/>, with <paramref name="margin"/>
    /// of the span on each side; [0, 1] when lo &gt; hi (no data).
    /// </summary>
    public static AxisRange For(double lo, double hi, double margin = 0.1) => For(lo, hi, margin, 0);

    /// <summary>
    /// The axis for finite data, as <see cref="For(double, double, double)"/>, where a span of at least
    /// <paramref name="smallestSpan"/> is drawn as it is however large the values: a time axis holds days since 1899
    /// and must still spread out a few milliseconds.
    /// </summary>
    public static AxisRange For(double lo, double hi, double margin, double smallestSpan)
    {
        if (!(lo <= hi) || !double.IsFinite(lo) || !double.IsFinite(hi)) return new AxisRange(0, 1, 1);
        double scale = Math.Max(Math.Abs(lo), Math.Abs(hi)) > LargestDrawn ? 0.1 : 1;
        double a = lo * scale, b = hi * scale;
        double magnitude = Math.Max(Math.Abs(a), Math.Abs(b));
        // A single value (or values equal to the last few digits) gets room around it rather than a zero-width axis.
        if (smallestSpan > 0 ? b - a < smallestSpan : b - a < magnitude * 1e-9 || b - a < SmallestSpan)
        {
            double half = smallestSpan > 0 ? smallestSpan * 1000 : magnitude >= SmallestSpan ? magnitude * 0.05 : 1;
            double centre = a / 2 + b / 2;
            a = centre - half;
            b = centre + half;
        }
        double room = (b - a) * margin;
        return new AxisRange(a - room, b + room, scale);
    }

    /// <summary>Whether tick labels need powers of ten: written out in full they would be wider than the picture, or all zeros.</summary>
    public bool Scientific
    {
        get
        {
            double magnitude = Math.Max(Math.Abs(Min), Math.Abs(Max));
            return magnitude >= 1e6 || magnitude < 1e-3;
        }
    }

    /// <summary>A tick label in powers of ten, three significant digits.</summary>
    public static string ScientificLabel(double value) =>
        value == 0 ? "0" : value.ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The axis label: the name, with the factor when the picture's units are not the data's.</summary>
    public string Label(string name) => Scale == 1 ? name : $"{name} ÷ {1 / Scale:G3}".TrimStart();
}
