using csFastFloat;
using System.Globalization;
using System.Text;

namespace PlotPipe.Viewer.Ingest;

/// <summary>Numbers and times in UTF-8 text, read without allocating.</summary>
internal static class TextNumbers
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const int QuotedChars = 40;

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

    /// <summary>
    /// Reads an ISO-8601 date or time as Unix seconds: <c>YYYY-MM-DD</c>, optionally followed by <c>T</c> (or a
    /// space) and <c>hh:mm</c>, <c>hh:mm:ss</c> or <c>hh:mm:ss.fff</c> (a comma too, any number of digits, kept to
    /// 100 ns), then optionally <c>Z</c> or an offset <c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c> (at most 14 hours).
    /// Without an offset the time is UTC. Strict on purpose: it also decides whether a column holds times.
    /// </summary>
    public static bool TryParseIsoTime(ReadOnlySpan<byte> text, out double unixSeconds)
    {
        unixSeconds = 0;
        if (text.Length < 10 || text[4] != (byte)'-' || text[7] != (byte)'-') return false;
        if (!Digits(text[..4], out int year) || !Digits(text.Slice(5, 2), out int month) || !Digits(text.Slice(8, 2), out int day)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        long ticks = new DateTime(year, month, day).Ticks;
        var rest = text[10..];
        if (!rest.IsEmpty)
        {
            if (rest.Length < 6 || rest[0] is not ((byte)'T' or (byte)'t' or (byte)' ') || rest[3] != (byte)':') return false;
            if (!Digits(rest.Slice(1, 2), out int hour) || !Digits(rest.Slice(4, 2), out int minute) || hour > 23 || minute > 59) return false;
            ticks += hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute;
            rest = rest[6..];
            if (!rest.IsEmpty && rest[0] == (byte)':')
            {
                if (rest.Length < 3 || !Digits(rest.Slice(1, 2), out int second) || second > 59) return false;
                ticks += second * TimeSpan.TicksPerSecond;
                rest = rest[3..];
                if (!rest.IsEmpty && rest[0] is (byte)'.' or (byte)',')
                {
                    int digits = 1;
                    long fraction = 0, unit = TimeSpan.TicksPerSecond;
                    while (digits < rest.Length && rest[digits] - (uint)'0' <= 9)
                    {
                        unit /= 10;
                        fraction += (rest[digits] - '0') * unit;
                        digits++;
                    }
                    if (digits == 1) return false;
                    ticks += fraction;
                    rest = rest[digits..];
                }
            }
            if (!rest.IsEmpty)
            {
                if (rest.Length == 1 && rest[0] is (byte)'Z' or (byte)'z') rest = default;
                else if (rest[0] is (byte)'+' or (byte)'-')
                {
                    int sign = rest[0] == (byte)'-' ? -1 : 1;
                    int offsetMinutes;
                    if (rest.Length == 3 && Digits(rest.Slice(1, 2), out int h)) offsetMinutes = h * 60;
                    else if (rest.Length == 5 && Digits(rest.Slice(1, 2), out h) && Digits(rest.Slice(3, 2), out int m) && m <= 59) offsetMinutes = h * 60 + m;
                    else if (rest.Length == 6 && rest[3] == (byte)':' && Digits(rest.Slice(1, 2), out h) && Digits(rest.Slice(4, 2), out m) && m <= 59) offsetMinutes = h * 60 + m;
                    else return false;
                    if (offsetMinutes > 14 * 60) return false;
                    ticks -= sign * offsetMinutes * TimeSpan.TicksPerMinute;
                }
                else return false;
            }
        }
        unixSeconds = (ticks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            if (b - (uint)'0' > 9) return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>The time now on <paramref name="clock"/>, as Unix seconds.</summary>
    public static double Now(TimeProvider clock) => (clock.GetUtcNow().UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>A field as a bad-line report quotes it: at most 40 characters, control characters shown as '?'.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        var s = Shown(Encoding.UTF8.GetString(text.Length > QuotedChars * 4 ? text[..(QuotedChars * 4)] : text));
        if (s.Length <= QuotedChars) return $"\"{s}\"";
        // Not between the two halves of a pair: a lone half cannot be written as JSON or UTF-8.
        int cut = char.IsHighSurrogate(s[QuotedChars - 1]) ? QuotedChars - 1 : QuotedChars;
        return $"\"{s[..cut]}...\"";
    }

    /// <summary>
    /// Text from the input as a report shows it: control characters (a terminal's escapes among them) and lone
    /// surrogates become '?', so a line on standard error or in the page's status cannot act on the terminal.
    /// </summary>
    public static string Shown(string text)
    {
        int i = 0;
        while (i < text.Length && !Hidden(text, i)) i++;
        if (i == text.Length) return text;
        var chars = text.ToCharArray();
        for (; i < chars.Length; i++)
        {
            if (Hidden(text, i)) chars[i] = '?';
            else if (char.IsHighSurrogate(text[i])) i++;
        }
        return new string(chars);
    }

    private static bool Hidden(string text, int i)
    {
        char c = text[i];
        if (char.IsControl(c)) return true;
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }
}
