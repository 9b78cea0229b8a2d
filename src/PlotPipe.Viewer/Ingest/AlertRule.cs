using System.Globalization;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// One <c>--alert</c> rule, read once at start: <c>SERIES OP NUMBER</c> (<c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>,
/// <c>&lt;=</c>) or <c>SERIES is nan</c>, optionally sustained, <c>for N points</c> (N consecutive points of the
/// series) or <c>for DURATION</c> (<c>200ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>: on x for a time axis, else on
/// the time points arrive). SERIES is a name, quoted when it holds spaces or &lt; and &gt;.
/// </summary>
internal sealed class AlertRule
{
    private AlertRule(string series, AlertTest test, double threshold, int forPoints, double forSeconds, string text)
    {
        Series = series;
        Test = test;
        Threshold = threshold;
        ForPoints = forPoints;
        ForSeconds = forSeconds;
        Text = text;
    }

    /// <summary>The name of the series it watches: every series of that name, from any producer.</summary>
    public string Series { get; }

    /// <summary>What it asks of each y.</summary>
    public AlertTest Test { get; }

    /// <summary>The number y is compared with (unused by <see cref="AlertTest.IsNaN"/>).</summary>
    public double Threshold { get; }

    /// <summary>Consecutive points the test must hold for before the rule fires (1: at once).</summary>
    public int ForPoints { get; }

    /// <summary>Seconds the test must hold for, without a break, before the rule fires (0: at once).</summary>
    public double ForSeconds { get; }

    /// <summary>The rule as it is shown in markers, lines and the status: the series, the test and how long.</summary>
    public string Text { get; }

    /// <summary>Whether <paramref name="y"/> meets the test (the sustained part aside).</summary>
    public bool Holds(double y) => Test switch
    {
        AlertTest.Above => y > Threshold,
        AlertTest.AtLeast => y >= Threshold,
        AlertTest.Below => y < Threshold,
        AlertTest.AtMost => y <= Threshold,
        _ => double.IsNaN(y),
    };

    /// <summary>Reads <paramref name="text"/> as a rule; throws <see cref="ArgumentException"/> naming the rule and what is wrong with it.</summary>
    public static AlertRule Parse(string text) =>
        TryParse(text, out var rule, out var problem) ? rule! : throw new ArgumentException(problem, nameof(text));

    /// <summary>Reads <paramref name="text"/> as a rule, or says what is wrong with it (naming the rule) in <paramref name="problem"/>.</summary>
    public static bool TryParse(string text, out AlertRule? rule, out string? problem)
    {
        rule = null;
        problem = Problem(text, ref rule);
        return problem is null;
    }

    private const string Grammar = "give SERIES > NUMBER (or >=, <, <=) or SERIES is nan, optionally followed by for N points or for a duration (200ms, 5s, 2m, 1h)";

    private static string? Problem(string text, ref AlertRule? rule)
    {
        string Wrong(string what) => $"--alert \"{text}\": {what}";
        var words = new Reader(text);
        string series;
        if (words.Peek() == '"')
        {
            int close = text.IndexOf('"', words.At + 1);
            if (close < 0) return Wrong("the series name's quote is not closed");
            series = text[(words.At + 1)..close];
            words.At = close + 1;
        }
        else
        {
            int start = words.At;
            while (words.At < text.Length && !char.IsWhiteSpace(text[words.At]) && text[words.At] is not ('<' or '>')) words.At++;
            series = text[start..words.At];
        }
        if (series.Length == 0) return Wrong($"no series name; {Grammar}");

        AlertTest test;
        double threshold = 0;
        words.SkipSpace();
        if (words.TakeSymbol(">=")) test = AlertTest.AtLeast;
        else if (words.TakeSymbol("<=")) test = AlertTest.AtMost;
        else if (words.TakeSymbol(">")) test = AlertTest.Above;
        else if (words.TakeSymbol("<")) test = AlertTest.Below;
        else if (words.TakeWord("is"))
        {
            if (!words.TakeWord("nan")) return Wrong($"after \"{series} is\" comes nan, not \"{words.NextWord()}\"");
            test = AlertTest.IsNaN;
        }
        else
        {
            var next = words.NextWord();
            return Wrong(next.Length == 0 ? $"no test after the series \"{series}\"; {Grammar}"
                : $"after the series \"{series}\" comes >, >=, <, <= or is nan, not \"{next}\" (quote a name with spaces: {Quoted(text)})");
        }
        if (test != AlertTest.IsNaN)
        {
            var number = words.NextWord();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || !double.IsFinite(threshold))
                return Wrong(number.Length == 0 ? "no number to compare with" : $"\"{number}\" is not a finite number to compare with");
            words.At += number.Length;
        }

        int forPoints = 1;
        double forSeconds = 0;
        string sustained = "";
        if (words.TakeWord("for"))
        {
            var amount = words.NextWord();
            words.At += amount.Length;
            if (amount.Length == 0) return Wrong("for what? give for N points or for a duration (200ms, 5s, 2m, 1h)");
            if (long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                if (!words.TakeWord("points") && !words.TakeWord("point"))
                    return Wrong($"for {amount} what? give for {amount} points, or a duration with its unit (for {amount}s, for {amount}ms)");
                if (n is < 1 or > int.MaxValue) return Wrong($"for {amount} points: give 1 to {int.MaxValue} points");
                forPoints = (int)n;
                sustained = n == 1 ? " for 1 point" : $" for {n} points";
            }
            else if (DurationSeconds(amount) is { } seconds)
            {
                forSeconds = seconds;
                sustained = $" for {amount}";
            }
            else
            {
                return Wrong($"\"{amount}\" is not a number of points or a duration: give for N points or for 200ms, 5s, 2m, 1h");
            }
        }
        words.SkipSpace();
        if (words.At < text.Length) return Wrong($"\"{text[words.At..]}\" is left over after the rule; {Grammar}");

        string name = series.Length > 0 && series.All(c => !char.IsWhiteSpace(c) && c is not ('<' or '>' or '"')) ? series : $"\"{series}\"";
        string shown = test switch
        {
            AlertTest.Above => $"{name} > {Show(threshold)}",
            AlertTest.AtLeast => $"{name} >= {Show(threshold)}",
            AlertTest.Below => $"{name} < {Show(threshold)}",
            AlertTest.AtMost => $"{name} <= {Show(threshold)}",
            _ => $"{name} is nan",
        };
        rule = new AlertRule(series, test, threshold, forPoints, forSeconds, shown + sustained);
        return null;
    }

    // The rule with the words before its test in quotes: "train loss" > 10 for train loss > 10.
    private static string Quoted(string text)
    {
        int test = text.IndexOfAny(['<', '>']);
        int isNan = text.IndexOf(" is ", StringComparison.OrdinalIgnoreCase);
        if (isNan >= 0 && (test < 0 || isNan < test)) test = isNan;
        return test > 0 ? $"\"{text[..test].Trim()}\" {text[test..].Trim()}" : $"\"{text.Trim()}\" > 10";
    }

    /// <summary>A number as the rules and their firings show it: invariant, shortest round-trip form.</summary>
    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // 200ms, 5s, 1.5s, 2m, 2min, 1h: a positive, finite duration in seconds; null for anything else.
    private static double? DurationSeconds(string text)
    {
        int unit = text.Length;
        while (unit > 0 && char.IsAsciiLetter(text[unit - 1])) unit--;
        double scale = text[unit..].ToLowerInvariant() switch
        {
            "ms" => 0.001,
            "s" or "sec" => 1,
            "m" or "min" => 60,
            "h" => 3600,
            _ => 0,
        };
        if (scale == 0 || !double.TryParse(text.AsSpan(0, unit), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)) return null;
        double seconds = n * scale;
        return seconds > 0 && double.IsFinite(seconds) ? seconds : null;
    }

    // Walks a rule's text: words are split by spaces, and >, >=, <, <= stand on their own.
    private sealed class Reader(string text)
    {
        public int At { get; set; }

        public char Peek()
        {
            SkipSpace();
            return At < text.Length ? text[At] : '\0';
        }

        public void SkipSpace()
        {
            while (At < text.Length && char.IsWhiteSpace(text[At])) At++;
        }

        public bool TakeSymbol(string symbol)
        {
            SkipSpace();
            if (!text.AsSpan(At).StartsWith(symbol, StringComparison.Ordinal)) return false;
            At += symbol.Length;
            return true;
        }

        public bool TakeWord(string word)
        {
            var next = NextWord();
            if (!next.Equals(word, StringComparison.OrdinalIgnoreCase)) return false;
            At += next.Length;
            return true;
        }

        // The next word, from At after spaces (At is left at its start).
        public string NextWord()
        {
            SkipSpace();
            int end = At;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            return text[At..end];
        }
    }
}
