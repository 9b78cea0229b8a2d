using csFastFloat;
using System.Globalization;
using System.Text;

namespace PlotPipe.Viewer.Ingest;

/// <summary>Numbers and times in UTF-8 text, read without allocating.</summary>
internal static class TextNumbers
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;

    /// <summary>Reads a decimal number (invariant culture, exponent allowed), also Python's <c>nan</c>, <c>inf</c> and <c>-inf</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        // fast_float (exactly rounded, as double.Parse) reads the usual number about twice as fast as the runtime,
        // and only whole fields: the runtime's parse takes the rest (spaces, "Infinity") and decides the bad ones.
        if (text.Length > 0 && FastDoubleParser.TryParseDouble(text, out int used, out value) && used == text.Length) return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        return TryParseSpecial(text, out value);
    }

    // Python and numpy print "inf" and "nan"; .NET reads "Infinity" and "NaN". Only reached when the fast parse failed.
    private static bool TryParseSpecial(ReadOnlySpan<byte> text, out double value)
    {
        text = text.Trim(" \t"u8);
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+')) text = text[1..];
        if (Ascii.EqualsIgnoreCase(text, "inf"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(text, "nan"u8))
        {
            value = double.NaN;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Reads a time as Unix seconds: a number is taken as Unix seconds already, anything else as ISO-8601 (UTC unless it names an offset).</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out double unixSeconds)
    {
        if (TryParse(text, out unixSeconds)) return true;
        Span<char> chars = stackalloc char[64];
        if (text.Length > chars.Length || Encoding.UTF8.GetCharCount(text) > chars.Length) return false;
        int n = Encoding.UTF8.GetChars(text, chars);
        if (!DateTimeOffset.TryParse(chars[..n].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return false;
        unixSeconds = (time.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
        return true;
    }

    /// <summary>A field as a bad-line report quotes it: at most 40 characters.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        var s = Encoding.UTF8.GetString(text.Length > 40 ? text[..40] : text);
        return text.Length > 40 ? $"\"{s}...\"" : $"\"{s}\"";
    }
}
