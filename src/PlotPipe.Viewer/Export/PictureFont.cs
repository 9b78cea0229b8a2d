using ScottPlot;
using SkiaSharp;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The saved pictures' font: DejaVu Sans, shipped inside the viewer (Export/Fonts, its licence beside it) and put
/// ahead of the system's fonts in the chart library, so a picture's text is the same sans on every machine, a bare
/// one without any font included. It is the sans the page's <c>system-ui</c> finds on Debian. Text it has no glyphs
/// for (CJK, say) is drawn in a system font that has them, where there is one.
/// </summary>
internal static class PictureFont
{
    /// <summary>The family name pictures ask the chart library for.</summary>
    public const string Name = "DejaVu Sans";

    private static readonly object Gate = new();
    private static SKTypeface? _regular, _bold;

    /// <summary>The shipped typeface, regular or bold (the page's weight 600).</summary>
    public static SKTypeface Typeface(bool bold)
    {
        Register();
        return bold ? _bold! : _regular!;
    }

    /// <summary>
    /// Puts the shipped font ahead of the system's in the chart library, once. Every picture calls this before it
    /// draws, so no drawing reads the library's list of fonts while it changes.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_regular is not null) return;
            _regular = Load("DejaVuSans.ttf");
            _bold = Load("DejaVuSans-Bold.ttf");
            Fonts.FontResolvers.Insert(0, new ShippedFont());
        }
    }

    /// <summary>
    /// The font to draw <paramref name="text"/> in: <see cref="Name"/>, unless it lacks a glyph the text needs and
    /// the system has a font with all of them.
    /// </summary>
    public static string For(string text)
    {
        if (string.IsNullOrEmpty(text) || Typeface(false).ContainsGlyphs(text)) return Name;
        var system = Fonts.Detect(text);
        return string.IsNullOrEmpty(system) ? Name : system;
    }

    private static SKTypeface Load(string file)
    {
        using var stream = typeof(PictureFont).Assembly.GetManifestResourceStream($"{typeof(PictureFont).Namespace}.Fonts.{file}")
            ?? throw new InvalidOperationException($"the viewer was built without its picture font {file}");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"the picture font {file} does not load");
    }

    // Answers for Name only: bold for semi-bold and heavier, as a browser picks a face for font-weight 600.
    private sealed class ShippedFont : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? (weight >= FontWeight.SemiBold ? _bold : _regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Name ? (bold ? _bold : _regular) : null;
    }
}
