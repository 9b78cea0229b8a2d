using System.Globalization;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>
/// WCAG 2 contrast, worked out here from the colours themselves, so the palette's rule is checked against its
/// definition rather than against numbers copied from it.
/// </summary>
public static class WcagContrast
{
    /// <summary>The contrast ratio (1 to 21) of two colours, each "#rrggbb" or "rgb(r, g, b)" as a browser gives it.</summary>
    public static double Ratio(string a, string b) => Ratio(Rgb(a), Rgb(b));

    /// <summary>The contrast ratio (1 to 21) of two 8-bit sRGB colours.</summary>
    public static double Ratio((int R, int G, int B) a, (int R, int G, int B) b)
    {
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>
    /// The colour <paramref name="color"/> drawn at <paramref name="opacity"/> over <paramref name="background"/> shows
    /// as: what a canvas's globalAlpha, or a colour's alpha, blends to in 8-bit sRGB.
    /// </summary>
    public static (int R, int G, int B) Over(string color, double opacity, string background)
    {
        var (c, bg) = (Rgb(color), Rgb(background));
        int Mix(int v, int under) => (int)Math.Round(opacity * v + (1 - opacity) * under);
        return (Mix(c.R, bg.R), Mix(c.G, bg.G), Mix(c.B, bg.B));
    }

    /// <summary>The 8-bit channels of "#rrggbb" or "rgb(r, g, b)".</summary>
    public static (int R, int G, int B) Rgb(string color)
    {
        if (color.StartsWith('#'))
            return (Convert.ToInt32(color[1..3], 16), Convert.ToInt32(color[3..5], 16), Convert.ToInt32(color[5..7], 16));
        var parts = color[(color.IndexOf('(') + 1)..color.IndexOf(')')].Split(',');
        return (Channel(parts[0]), Channel(parts[1]), Channel(parts[2]));
    }

    /// <summary>Hue (degrees), saturation and lightness (0 to 1) of "#rrggbb", as CSS's hsl() has them.</summary>
    public static (double Hue, double Saturation, double Lightness) Hsl(string color)
    {
        var (r, g, b) = Rgb(color);
        double R = r / 255.0, G = g / 255.0, B = b / 255.0;
        double max = Math.Max(R, Math.Max(G, B)), min = Math.Min(R, Math.Min(G, B)), d = max - min;
        double l = (max + min) / 2;
        if (d == 0) return (0, 0, l);
        double s = d / (1 - Math.Abs(2 * l - 1));
        double h = max == R ? 60 * ((G - B) / d % 6) : max == G ? 60 * ((B - R) / d + 2) : 60 * ((R - G) / d + 4);
        return (h < 0 ? h + 360 : h, s, l);
    }

    private static int Channel(string v) => int.Parse(v.Trim(), CultureInfo.InvariantCulture);

    private static double Luminance((int R, int G, int B) c)
    {
        static double Linear(int v)
        {
            double s = v / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
    }
}
