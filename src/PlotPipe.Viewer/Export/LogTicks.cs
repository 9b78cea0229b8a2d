using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Ticks for a log axis. The chart library has no log axis: the picture holds log10 of the values and this
/// generator labels each tick with the value itself, powers of ten with minor ticks at 2..9 times them.
/// </summary>
internal static class LogTicks
{
    /// <summary>The tick generator for a log axis spanning <paramref name="min"/> to <paramref name="max"/> (log10 units).</summary>
    public static ITickGenerator For(double min, double max)
    {
        // Below two decades whole powers of ten leave one tick or none: then ticks fall between them, labelled by value.
        bool decades = max - min >= 2;
        return new NumericAutomatic
        {
            IntegerTicksOnly = decades,
            MinorTickGenerator = decades ? new LogDecadeMinorTickGenerator() : new EvenlySpacedMinorTickGenerator(1),
            LabelFormatter = decades ? PowerOfTen : Value,
        };
    }

    /// <summary>The label of a whole power of ten: written out from 0.001 to 1000, else as 10 with a superscript power.</summary>
    public static string PowerOfTen(double exponent)
    {
        int n = (int)Math.Round(exponent);
        if (n is >= -3 and <= 3) return Math.Pow(10, n).ToString("0.###", CultureInfo.InvariantCulture);
        return "10" + Superscript(n);
    }

    /// <summary>The label of any tick: the value 10^<paramref name="exponent"/>, three significant digits.</summary>
    public static string Value(double exponent) => Math.Pow(10, exponent).ToString("G3", CultureInfo.InvariantCulture);

    private static string Superscript(int n)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = n.ToString(CultureInfo.InvariantCulture);
        var chars = new char[text.Length];
        for (int i = 0; i < text.Length; i++) chars[i] = text[i] == '-' ? '⁻' : digits[text[i] - '0'];
        return new string(chars);
    }
}
