using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// Parsers for the values options take (ports, seconds, counts, sizes, picture files), each refusing a bad value
/// with a message that names the option and what it wants; set one as an option's <c>CustomParser</c>. A number
/// option without a parser of its own gets a plain one from <see cref="UseDefaultParser"/>.
/// </summary>
internal static class OptionValues
{
    /// <summary>A TCP port, 0 to 65535; 0 asks the system for a free one.</summary>
    public static int Port(ArgumentResult r)
    {
        var text = Text(r);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535) return port;
        r.AddError($"{Name(r)} {text} is not a port: give 0 to 65535 (0 picks a free one)");
        return 0;
    }

    /// <summary>A number of seconds from <paramref name="min"/> (excluded when <paramref name="aboveMin"/>) to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, double> Seconds(double min, double max = double.PositiveInfinity, bool aboveMin = false) =>
        r => Number(r, min, max, aboveMin, "seconds") ?? min;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, long> Count(long min = 0, long max = long.MaxValue) =>
        r => WholeNumber(r, min, max) ?? min;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, as an <see cref="int"/>.</summary>
    public static Func<ArgumentResult, int> SmallCount(int min = 0, int max = int.MaxValue) =>
        r => (int)(WholeNumber(r, min, max) ?? min);

    /// <summary>A size in bytes, or with K, M or G (powers of 1,024), of at least 1 MiB.</summary>
    public static long? Size(ArgumentResult r)
    {
        var text = Text(r);
        if (ViewCommand.TryParseSize(text, out long bytes)) return bytes;
        r.AddError($"{Name(r)} {text} is not a size: give bytes, or a number with K, M or G (512M, 2G), of at least 1M");
        return null;
    }

    /// <summary>A file to write a picture into, its name ending in <paramref name="extension"/> (".png" or ".svg").</summary>
    public static Func<ArgumentResult, string?> PictureFile(string extension) => r =>
    {
        var path = Text(r);
        if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && path.Length > extension.Length) return path;
        var (other, format) = extension == ".png" ? ("--svg", "SVG") : ("--png", "PNG");
        r.AddError($"{Name(r)} takes a {extension} file, not {path}; use {other} for {format}");
        return null;
    };

    /// <summary>Any text that <paramref name="problemOf"/> finds nothing wrong with; its problem, naming the option, is the error.</summary>
    public static Func<ArgumentResult, string?> Checked(Func<string, string?> problemOf) => r =>
    {
        var text = Text(r);
        if (problemOf(text) is not { } problem) return text;
        r.AddError(problem);
        return null;
    };

    /// <summary>A picture's theme, "light" or "dark" in any case, given in lower case.</summary>
    public static string? Theme(ArgumentResult r)
    {
        var theme = Text(r);
        var named = theme.ToLowerInvariant();
        if (named is "light" or "dark") return named;
        r.AddError($"{Name(r)} {theme} is not a theme: give light or dark");
        return null;
    }

    /// <summary>An IP address of this machine to listen on, or localhost.</summary>
    public static string? Host(ArgumentResult r) => Checked(host =>
        host == "localhost" || System.Net.IPAddress.TryParse(host, out _) ? null
            : $"--host {host} is not an IP address: give 127.0.0.1, 0.0.0.0, localhost or an address of this machine")(r);

    /// <summary>
    /// Gives a number option (int, long, double, nullable or not) that has no parser of its own one that words its
    /// errors, so an option added later needs no code for "abc is not a number".
    /// </summary>
    public static void UseDefaultParser(Option option)
    {
        switch (option)
        {
            case Option<int> { CustomParser: null } o: o.CustomParser = r => (int)(WholeNumber(r, int.MinValue, int.MaxValue) ?? 0); break;
            case Option<int?> { CustomParser: null } o: o.CustomParser = r => (int?)WholeNumber(r, int.MinValue, int.MaxValue); break;
            case Option<long> { CustomParser: null } o: o.CustomParser = r => WholeNumber(r, long.MinValue, long.MaxValue) ?? 0; break;
            case Option<long?> { CustomParser: null } o: o.CustomParser = r => WholeNumber(r, long.MinValue, long.MaxValue); break;
            case Option<double> { CustomParser: null } o: o.CustomParser = r => Number(r, double.MinValue, double.MaxValue, false, null) ?? 0; break;
            case Option<double?> { CustomParser: null } o: o.CustomParser = r => Number(r, double.MinValue, double.MaxValue, false, null); break;
        }
    }

    /// <summary>The placeholder an option's help shows when it names none: <c>N</c> for whole numbers, <c>NUMBER</c>, else its name in capitals.</summary>
    public static string DefaultPlaceholder(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(int) || type == typeof(long)) return "N";
        if (type == typeof(double)) return "NUMBER";
        return option.Name.TrimStart('-').ToUpperInvariant();
    }

    private static long? WholeNumber(ArgumentResult r, long min, long max)
    {
        var text = Text(r);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
        {
            r.AddError($"{Name(r)} {text} is not a whole number{Range(min, max, null)}");
            return null;
        }
        if (n < min || n > max)
        {
            r.AddError($"{Name(r)} {text} is out of range{Range(min, max, null)}");
            return null;
        }
        return n;
    }

    private static double? Number(ArgumentResult r, double min, double max, bool aboveMin, string? unit)
    {
        var text = Text(r);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
        {
            r.AddError($"{Name(r)} {text} is not a number{(unit is null ? "" : " of " + unit)}{Range(min, max, unit, aboveMin)}");
            return null;
        }
        if (v < min || v > max || (aboveMin && v == min))
        {
            r.AddError($"{Name(r)} {text} is out of range{Range(min, max, unit, aboveMin)}");
            return null;
        }
        return v;
    }

    // ": give 0 to 3600 seconds", ": give 0 or more", "" for a range as wide as the type's.
    private static string Range(double min, double max, string? unit, bool aboveMin = false)
    {
        string Show(double v) => v.ToString(CultureInfo.InvariantCulture);
        var units = unit is null ? "" : " " + unit;
        bool anyMin = min <= long.MinValue || min <= double.MinValue || min <= int.MinValue, anyMax = max >= long.MaxValue || max >= double.MaxValue || max >= int.MaxValue;
        if (anyMin && anyMax) return "";
        if (aboveMin) return anyMax ? $": give more than {Show(min)}{units}" : $": give more than {Show(min)}, up to {Show(max)}{units}";
        if (anyMax) return $": give {Show(min)}{units} or more";
        if (anyMin) return $": give at most {Show(max)}{units}";
        return $": give {Show(min)} to {Show(max)}{units}";
    }

    private static string Text(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";

    private static string Name(ArgumentResult r) => r.Parent is OptionResult o ? o.Option.Name : $"<{r.Argument.Name}>";
}
