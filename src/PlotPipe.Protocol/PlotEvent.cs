using System.Globalization;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>A marker as an Event frame carries it: a moment or a range of x, with the text that says what happened.</summary>
/// <param name="Kind">A mark at <paramref name="X"/> or a span from <paramref name="X"/> to <paramref name="X2"/>.</param>
/// <param name="X">Where it is (or starts) on x; Unix seconds when <paramref name="XIsTime"/>.</param>
/// <param name="X2">Where a span ends (never less than <paramref name="X"/>); null for a mark.</param>
/// <param name="XIsTime">Whether x is time, for time panels, rather than a plain number.</param>
/// <param name="Text">What happened, 1 to 1,024 UTF-8 bytes.</param>
public sealed record PlotEvent(EventKind Kind, double X, double? X2, bool XIsTime, string Text)
{
    /// <summary>Why <paramref name="text"/> cannot be a marker's text (null, empty, over 1,024 UTF-8 bytes, or not valid text), or null when it can.</summary>
    public static string? TextProblem(string? text)
    {
        if (text is null) return "marker text is null; a marker takes 1 to 1024 UTF-8 bytes of text";
        if (text.Length == 0) return "marker text is empty; a marker takes 1 to 1024 UTF-8 bytes of text";
        int bytes;
        try
        {
            bytes = Strict.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            return $"marker text \"{Shown(text)}\" is not valid text: a lone surrogate at character {e.Index + 1}";
        }
        return bytes > ProtocolLimits.MaxEventTextBytes
            ? $"marker text \"{Shown(text)}\" is {bytes} UTF-8 bytes; a marker takes 1 to {ProtocolLimits.MaxEventTextBytes}"
            : null;
    }

    /// <summary>
    /// Why a mark at <paramref name="x"/> (or a span from <paramref name="x"/> to <paramref name="x2"/>) cannot be
    /// sent, or null when it can: every x must be finite, and a span must not end before it starts. A problem that
    /// names x comes before one that names x2.
    /// </summary>
    public static string? RangeProblem(EventKind kind, double x, double x2)
    {
        string what = kind == EventKind.Span ? "span start" : "marker x";
        if (!double.IsFinite(x)) return $"{what} {Number(x)} is not a finite number";
        if (kind != EventKind.Span) return null;
        if (!double.IsFinite(x2)) return $"span end {Number(x2)} is not a finite number";
        return x2 < x ? $"span ends at {Number(x2)}, before it starts at {Number(x)}" : null;
    }

    internal static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static readonly UTF8Encoding Strict = new(false, true);

    private static string Shown(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[38]) ? 38 : 39), "…");
}
