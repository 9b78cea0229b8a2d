using System.Globalization;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Where a picture's ticks go and how they read, by the page's own rules (web/src/format.js, kept equal by a test
/// that runs both): compact numbers (905k, 1.2M, 3.5e-7, 0.25) in one form per axis, times from milliseconds to
/// years with the date on the first tick and wherever the day changes, log ticks at 1, 2 and 5 times powers of ten,
/// and steps chosen so neighbouring labels never touch. Times read in UTC here: a file has no time zone to show,
/// where the page shows the browser's.
/// </summary>
internal static class AxisTicks
{
    /// <summary>Pixels between two x tick labels, as on the page.</summary>
    public const double LabelGapPx = 14;

    /// <summary>The least spacing of y ticks in pixels, as on the page.</summary>
    public const double YSpacePx = 36;

    private static readonly string[] Suffixes = ["", "k", "M", "G", "T"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private const double Minute = 60, Hour = 3600, Day = 86400;

    /// <summary>Steps for number axes: 1, 2 and 5 times powers of ten.</summary>
    public static readonly double[] NumberSteps = MakeNumberSteps();

    /// <summary>Steps for time axes, in seconds: milliseconds to centuries.</summary>
    public static readonly double[] TimeSteps =
    [
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
        1, 2, 5, 10, 15, 30,
        Minute, 2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute,
        Hour, 2 * Hour, 3 * Hour, 6 * Hour, 12 * Hour,
        Day, 2 * Day, 3 * Day, 7 * Day, 14 * Day,
        30 * Day, 2 * 30 * Day, 3 * 30 * Day, 6 * 30 * Day,
        365 * Day, 2 * 365 * Day, 5 * 365 * Day, 10 * 365 * Day, 20 * 365 * Day, 50 * 365 * Day, 100 * 365 * Day,
    ];

    /// <summary>
    /// A tick label for <paramref name="v"/> when ticks step by <paramref name="step"/>, in the shortest form that
    /// still tells neighbours apart; <paramref name="magnitude"/> is the largest on the axis, so all share one form.
    /// </summary>
    public static string Number(double v, double step, double magnitude)
    {
        if (v == 0) return "0";
        if (!double.IsFinite(v)) return double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        double m = Math.Max(Math.Abs(magnitude != 0 && !double.IsNaN(magnitude) ? magnitude : v), Math.Abs(v));
        double s = Math.Abs(step) > 0 ? Math.Abs(step) : Math.Abs(v);
        int stepExp = (int)Math.Floor(Math.Log10(s) + 1e-9);
        int magExp = (int)Math.Floor(Math.Log10(m) + 1e-9);
        if (magExp >= 15 || magExp <= -5)
        {
            // Powers of ten: as many mantissa digits as the step needs.
            int e = (int)Math.Floor(Math.Log10(Math.Abs(v)) + 1e-9);
            int digits = Math.Min(12, Math.Max(0, e - stepExp));
            var mantissa = Fixed(v / Math.Pow(10, e), digits);
            if (digits > 0) mantissa = TrimZeros(mantissa);
            return $"{mantissa}e{e.ToString(CultureInfo.InvariantCulture)}";
        }
        if (magExp >= 4)
        {
            int k = Math.Min(Suffixes.Length - 1, magExp / 3);
            double scale = Math.Pow(1000, k);
            return Clean(Fixed(v / scale, DecimalsOf(s / scale))) + Suffixes[k];
        }
        return Clean(Fixed(v, DecimalsOf(s)));
    }

    /// <summary>Number tick labels for <paramref name="ticks"/>, all in the same form.</summary>
    public static string[] Numbers(IReadOnlyList<double> ticks, double step)
    {
        double magnitude = 0;
        foreach (var v in ticks) if (double.IsFinite(v)) magnitude = Math.Max(magnitude, Math.Abs(v));
        var labels = new string[ticks.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = Number(ticks[i], step, magnitude);
        return labels;
    }

    /// <summary>
    /// A time tick label for Unix seconds <paramref name="t"/> (UTC) when ticks step by <paramref name="step"/>
    /// seconds; <paramref name="withDate"/> adds the date on a second line.
    /// </summary>
    public static string Time(double t, double step, bool withDate)
    {
        var d = ToUtc(t);
        string hm = $"{d.Hour:00}:{d.Minute:00}";
        string day = $"{Months[d.Month - 1]} {d.Day.ToString(CultureInfo.InvariantCulture)}";
        string year = d.Year.ToString(CultureInfo.InvariantCulture);
        if (step >= 365 * Day - 1) return year;
        if (step >= 28 * Day) return $"{Months[d.Month - 1]} {year}";
        if (step >= Day) return withDate ? $"{day}\n{year}" : day;
        string clock;
        if (step >= 60) clock = hm;
        else if (step >= 1) clock = $"{hm}:{d.Second:00}";
        else
        {
            var ms = d.Millisecond.ToString("000", CultureInfo.InvariantCulture);
            clock = $"{hm}:{d.Second:00}.{(step >= 0.1 ? ms[..1] : step >= 0.01 ? ms[..2] : ms)}";
        }
        return withDate ? $"{clock}\n{day} {year}" : clock;
    }

    /// <summary>Time tick labels: the date shows on the first and wherever the day changes.</summary>
    public static string[] Times(IReadOnlyList<double> ticks, double step)
    {
        var labels = new string[ticks.Count];
        DateTime? lastDay = null;
        for (int i = 0; i < labels.Length; i++)
        {
            var day = ToUtc(ticks[i]).Date;
            labels[i] = Time(ticks[i], step, day != lastDay);
            lastDay = day;
        }
        return labels;
    }

    /// <summary>Labels for log ticks: each in its own compact form.</summary>
    public static string[] Logs(IReadOnlyList<double> ticks)
    {
        var labels = new string[ticks.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            double v = ticks[i];
            labels[i] = Number(v, Math.Pow(10, Math.Floor(Math.Log10(v) + 1e-9)), v);
        }
        return labels;
    }

    /// <summary>
    /// The spacing that keeps an x axis whose points in view are all whole numbers (line numbers, steps) ticked on
    /// whole numbers: at least one unit's width, so no step under 1 is chosen, while [min, max] holds two or more of
    /// them to tick (format.js' wholeSpace).
    /// </summary>
    public static double WholeSpace(double min, double max, double lengthPx, double spacePx) =>
        !(Math.Floor(max) - Math.Ceiling(min) >= 1) ? spacePx : Math.Max(spacePx, lengthPx / (max - min));

    /// <summary>Whether every finite value of <paramref name="xs"/> is a whole number, and there is one (format.js' allWhole).</summary>
    public static bool AllWhole(ReadOnlySpan<double> xs)
    {
        bool any = false;
        foreach (double x in xs)
        {
            if (!double.IsFinite(x)) continue;
            if (x != Math.Floor(x)) return false;
            any = true;
        }
        return any;
    }

    /// <summary>The smallest step of <paramref name="steps"/> that puts ticks at least <paramref name="minSpacePx"/> apart (uPlot's rule).</summary>
    public static double PickStep(double min, double max, double[] steps, double lengthPx, double minSpacePx)
    {
        double delta = max - min;
        if (!(delta > 0) || !(lengthPx > 0)) return steps[^1];
        foreach (var step in steps)
        {
            if (lengthPx * step / delta >= minSpacePx) return step;
        }
        return steps[^1];
    }

    /// <summary>Round multiples of <paramref name="step"/> within [<paramref name="min"/>, <paramref name="max"/>], at most 1,000.</summary>
    public static List<double> Multiples(double min, double max, double step)
    {
        var ticks = new List<double>();
        if (!(step > 0)) return ticks;
        double first = Math.Ceiling(min / step - 1e-9);
        for (double k = first; k * step <= max + step * 1e-9 && ticks.Count < 1000; k++) ticks.Add(Precision15(k * step));
        return ticks;
    }

    /// <summary>
    /// The spacing in pixels a horizontal axis needs so its labels never touch: the widest label its ticks would
    /// have at that spacing plus <see cref="LabelGapPx"/>, found by trying spacings until the labels fit.
    /// </summary>
    public static double HorizontalSpace(double min, double max, double lengthPx, double[] steps, Func<List<double>, double, string[]> labelsFor, Func<string, double> widthPx)
    {
        double space = 40;
        for (int round = 0; round < 6; round++)
        {
            double step = PickStep(min, max, steps, lengthPx, space);
            var ticks = Multiples(min, max, step);
            if (ticks.Count > 64) ticks.RemoveRange(64, ticks.Count - 64);
            double need = Math.Ceiling(Widest(labelsFor(ticks, step), widthPx) + LabelGapPx);
            if (need <= space) return space;
            space = need;
        }
        return space;
    }

    /// <summary>The spacing in pixels a horizontal log axis needs so its labels never touch.</summary>
    public static double LogSpace(double min, double max, double lengthPx, Func<string, double> widthPx)
    {
        double space = 40;
        for (int round = 0; round < 6; round++)
        {
            double need = Math.Ceiling(Widest(Logs(LogTicks(min, max, lengthPx, space)), widthPx) + LabelGapPx);
            if (need <= space) return space;
            space = need;
        }
        return space;
    }

    /// <summary>
    /// Ticks on a log axis over [<paramref name="min"/>, <paramref name="max"/>] (min &gt; 0) with labels
    /// <paramref name="spacePx"/> apart: every integer multiple, or 1, 2 and 5, or 1 and 3 times each power of ten
    /// when decades are wide, every k-th power of ten when they are narrow, plain steps within a decade or two.
    /// </summary>
    public static List<double> LogTicks(double min, double max, double lengthPx, double spacePx)
    {
        double lo = Math.Log10(min), hi = Math.Log10(max);
        double decades = hi - lo;
        if (!(decades > 0) || !(lengthPx > 0)) return [min];
        double pxPerDecade = lengthPx / decades;
        // The closest neighbours of each set, in decades: 9 and 10 (0.046), 1 and 2 or 5 and 10 (0.301), 1 and 3 (0.477).
        int[] multiples = pxPerDecade * 0.046 >= spacePx ? [1, 2, 3, 4, 5, 6, 7, 8, 9]
            : pxPerDecade * 0.301 >= spacePx ? [1, 2, 5]
            : pxPerDecade * 0.477 >= spacePx ? [1, 3]
            : [1];
        double every = pxPerDecade >= spacePx ? 1 : Math.Ceiling(spacePx / pxPerDecade);
        var ticks = new List<double>();
        for (double e = Math.Floor(lo); e <= Math.Ceiling(hi) && ticks.Count < 400; e++)
        {
            if (e % every != 0) continue;
            double power = Math.Pow(10, e);
            foreach (var m in multiples)
            {
                double v = Precision(m * power, 12);
                if (v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12)) ticks.Add(v);
            }
        }
        if (ticks.Count < 2 || (ticks.Count < 3 && decades < 1))
            return Multiples(min, max, PickStep(min, max, NumberSteps, lengthPx, spacePx));
        return ticks;
    }

    /// <summary>
    /// Ticks of a time axis stepping by <paramref name="step"/> seconds: multiples of it below a month, the first of
    /// every n-th month or n-th year above (UTC).
    /// </summary>
    public static List<double> TimeTicks(double min, double max, double step)
    {
        if (step < 28 * Day) return Multiples(min, max, step);
        var ticks = new List<double>();
        var start = ToUtc(min);
        if (step < 365 * Day - 1)
        {
            // Months counted from year 0, so a step of n months lands on months that are multiples of n.
            int months = Math.Max(1, (int)Math.Round(step / (30 * Day)));
            int index = start.Year * 12 + start.Month - 1;
            index += (months - index % months) % months;
            for (; index / 12 <= DateTime.MaxValue.Year && ticks.Count < 1000; index += months)
            {
                double t = Seconds(new DateTime(index / 12, index % 12 + 1, 1, 0, 0, 0, DateTimeKind.Utc));
                if (t > max) break;
                if (t >= min) ticks.Add(t);
            }
            return ticks;
        }
        int years = Math.Max(1, (int)Math.Round(step / (365 * Day)));
        int year = start.Year + (years - start.Year % years) % years;
        for (; year <= DateTime.MaxValue.Year && ticks.Count < 1000; year += years)
        {
            double t = Seconds(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            if (t > max) break;
            if (t >= min) ticks.Add(t);
        }
        return ticks;
    }

    private static double Widest(string[] labels, Func<string, double> widthPx)
    {
        double widest = 0;
        foreach (var label in labels)
        {
            foreach (var line in label.Split('\n')) widest = Math.Max(widest, widthPx(line));
        }
        return widest;
    }

    // Unix seconds as a UTC time to the millisecond, cut toward zero as JavaScript's Date does, within what DateTime
    // holds (the layout draws time only for years 1 to 9999).
    private static DateTime ToUtc(double t)
    {
        double ms = Math.Clamp(Math.Truncate(t * 1000), -62_135_596_800_000.0, 253_402_300_799_999.0);
        return DateTime.UnixEpoch.AddMilliseconds(ms);
    }

    private static double Seconds(DateTime t) => (t - DateTime.UnixEpoch).TotalSeconds;

    // JavaScript's toFixed: the nearest decimal of that many digits, ties away from zero ("-0" kept, as JS does for
    // a negative value that rounds to zero).
    private static string Fixed(double v, int digits)
    {
        var text = Math.Abs(v).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return v < 0 ? "-" + text : text;
    }

    // The decimals a step needs to be written exactly (0.25: 2, 5000: 0), at most 15.
    private static int DecimalsOf(double step)
    {
        for (int d = 0; d < 15; d++)
        {
            double scaled = step * Math.Pow(10, d);
            if (Math.Abs(scaled - Math.Floor(scaled + 0.5)) <= 1e-9 * scaled) return d;
        }
        return 15;
    }

    private static string TrimZeros(string mantissa)
    {
        int end = mantissa.Length;
        while (end > 0 && mantissa[end - 1] == '0') end--;
        if (end > 0 && mantissa[end - 1] == '.') end--;
        return mantissa[..end];
    }

    private static string Clean(string s)
    {
        if (s == "-0") return "0";
        if (s.StartsWith("-0.", StringComparison.Ordinal) && s.AsSpan(3).TrimStart('0').IsEmpty) return s[1..];
        return s;
    }

    private static double Precision15(double v) => Precision(v, 15);

    private static double Precision(double v, int digits) =>
        double.Parse(v.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double[] MakeNumberSteps()
    {
        var steps = new List<double>(601 * 3);
        for (int e = -300; e <= 300; e++)
        {
            foreach (var m in new[] { 1, 2, 5 }) steps.Add(double.Parse($"{m}e{e}", CultureInfo.InvariantCulture));
        }
        return [.. steps];
    }
}
