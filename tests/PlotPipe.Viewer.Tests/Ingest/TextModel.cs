using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>A series as the reference model expects it stored: its shown name, panel, time flag and points.</summary>
internal sealed record ModelSeries(string Name, int Panel, bool Timed, List<(double X, double Y)> Points)
{
    public double LastX { get; set; } = double.NegativeInfinity;

    public override string ToString() => $"{Name}@{Panel}{(Timed ? "+time" : "")}: {string.Join(' ', Points.Select(p => $"({p.X.ToString("R", CultureInfo.InvariantCulture)},{p.Y.ToString("R", CultureInfo.InvariantCulture)})"))}";
}

/// <summary>What the reference model expects: the series in order of definition and the bad lines' numbers in order.</summary>
internal sealed record ModelResult(List<ModelSeries> Series, List<long> BadLines);

/// <summary>
/// The text path as README's "Text from any program" describes it, written for clarity rather than speed: the whole
/// input at once, strings and lists, JsonDocument for JSON and a regular expression for ISO-8601 times. The real
/// parser, fed the same bytes in any pieces, must store the same points and name the same bad lines.
/// </summary>
internal static partial class TextModel
{
    private const int HeldLines = 8;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private static readonly string[] XWords =
        ["x", "t", "ts", "time", "timestamp", "date", "datetime", "step", "steps", "epoch", "iteration", "iter", "index", "idx",
         "frame", "tick", "sample", "elapsed", "seconds"];

    public static ModelResult Read(byte[] input, TextOptions options)
    {
        var state = new State(options);
        // Lines end at '\n'; the input's end ends a last line that has any bytes.
        int start = 0, number = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] != (byte)'\n') continue;
            if (i == input.Length && start == input.Length) break;
            state.Line(input[start..i], ++number);
            start = i + 1;
        }
        return new ModelResult(state.Series, state.Bad);
    }

    // ---- pieces of the rules ----

    internal static bool IsNumber(byte[] field, out double value)
    {
        var text = Encoding.UTF8.GetString(field);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var bare = text.Trim(' ', '\t');
        bool negative = bare.StartsWith('-');
        if (bare.StartsWith('-') || bare.StartsWith('+')) bare = bare[1..];
        if (string.Equals(bare, "inf", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (string.Equals(bare, "nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        return false;
    }

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?\z")]
    private static partial Regex Iso();

    internal static bool IsTime(byte[] field, out double unixSeconds)
    {
        unixSeconds = 0;
        var m = Iso().Match(Encoding.Latin1.GetString(field));
        if (!m.Success || field.Any(b => b >= 0x80)) return false;
        int G(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        int year = G(1), month = G(2), day = G(3), hour = G(4), minute = G(5), second = G(6);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        long ticks = new DateTime(year, month, day, hour, minute, second).Ticks;
        if (m.Groups[7].Success) ticks += long.Parse(m.Groups[7].Value.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
        if (m.Groups[9].Success)
        {
            int offset = G(10) * 60 + G(11);
            if (G(11) > 59 || offset > 14 * 60) return false;
            ticks -= (m.Groups[9].Value == "-" ? -1 : 1) * offset * TimeSpan.TicksPerMinute;
        }
        unixSeconds = (ticks - DateTime.UnixEpoch.Ticks) / 1e7;
        return true;
    }

    internal static bool SaysX(string name)
    {
        name = name.Trim();
        int end = name.IndexOfAny([' ', '_', '(', '[', '/', '.', '-']);
        if (end >= 0) name = name[..end];
        return XWords.Any(w => string.Equals(w, name, StringComparison.OrdinalIgnoreCase));
    }

    // The legend's name: whole characters up to 200 UTF-8 bytes.
    internal static string Shown(string name)
    {
        var shown = new StringBuilder();
        int bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > 200) break;
            bytes += rune.Utf8SequenceLength;
            shown.Append(rune.ToString());
        }
        return shown.ToString();
    }

    private static byte[] Trim(byte[] b, string chars)
    {
        int from = 0, to = b.Length;
        while (from < to && chars.Contains((char)b[from])) from++;
        while (to > from && chars.Contains((char)b[to - 1])) to--;
        return b[from..to];
    }

    // Fields split at a delimiter byte (0: runs of spaces and tabs), each trimmed of spaces and tabs; a field that
    // starts with a quote runs to the quote that closes it ("" inside is no close).
    internal static List<byte[]> Split(byte[] line, byte delimiter)
    {
        var fields = new List<byte[]>();
        int i = 0;
        while (true)
        {
            int j = i;
            while (j < line.Length && line[j] is (byte)' ' or (byte)'\t') j++;
            int searchFrom = i;
            if (j < line.Length && line[j] == (byte)'"')
            {
                int k = j + 1;
                while (k < line.Length)
                {
                    if (line[k] == (byte)'"' && k + 1 < line.Length && line[k + 1] == (byte)'"') k += 2;
                    else if (line[k] == (byte)'"') break;
                    else k++;
                }
                searchFrom = Math.Min(k, line.Length - 1) + 1;
            }
            int at = -1;
            for (int k = searchFrom; k < line.Length; k++)
            {
                if (delimiter == 0 ? line[k] is (byte)' ' or (byte)'\t' : line[k] == delimiter)
                {
                    at = k;
                    break;
                }
            }
            if (at < 0)
            {
                fields.Add(Trim(line[i..], " \t"));
                return fields;
            }
            fields.Add(Trim(line[i..at], " \t"));
            i = at + 1;
            if (delimiter == 0)
            {
                while (i < line.Length && line[i] is (byte)' ' or (byte)'\t') i++;
            }
        }
    }

    internal static byte[] Unquote(byte[] f) => f.Length >= 2 && f[0] == (byte)'"' && f[^1] == (byte)'"' ? f[1..^1] : f;

    private sealed class State(TextOptions o)
    {
        public readonly List<ModelSeries> Series = [];
        public readonly List<long> Bad = [];
        private readonly Dictionary<string, int> _byName = [];
        private int _format; // 0 not yet, 1 delimited, 2 JSON

        // Delimited.
        private readonly List<(byte[] Line, long Number)> _held = [];
        private bool _gaveUp, _started;
        private byte _delimiter;
        private int _columns, _x = -1;
        private bool _timed;
        private char[] _kinds = []; // 'n' number, 'w' words, 'x'
        private int[] _seriesOf = [];
        private readonly List<List<byte[]>> _repeats = [];

        // JSON.
        private string? _xField = o.XName;
        private bool _xDecided = o.XField is not null;
        private bool? _jsonTimed = o.XTime || o.XIsArrival ? true : null;

        public void Line(byte[] line, long number)
        {
            if (line.Length > o.MaxLineBytes)
            {
                if (number > o.Skip) Bad.Add(number);
                return;
            }
            if (number <= o.Skip) return;
            if (line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF) line = line[3..];
            line = Trim(line, " \t\r");
            if (line.Length == 0 || line[0] == (byte)'#') return;
            if (_format == 0) _format = line[0] == (byte)'{' ? 2 : 1;
            if (_format == 2) Json(line, number);
            else if (_started) Row(line, number);
            else Before(line, number);
        }

        private int Define(string name, bool timed)
        {
            int panel = 0;
            for (int p = 0; p < o.Panels.Count && panel == 0; p++)
                if (o.Panels[p].Names.Contains(name)) panel = p + 1;
            Series.Add(new ModelSeries(Shown(name), panel, timed, []));
            _byName.TryAdd(name, Series.Count - 1);
            return Series.Count - 1;
        }

        private void Add(int id, double x, double y)
        {
            var s = Series[id];
            if (!(x >= s.LastX)) return; // a line's x may not go back (nor be NaN)
            s.Points.Add((x, y));
            s.LastX = x;
        }

        // ---- delimited ----

        private (int Fields, int Numbers, int Words) Count(byte[] line, byte delimiter)
        {
            var fields = Split(line, delimiter);
            int numbers = fields.Count(f => f.Length > 0 && (IsNumber(Unquote(f), out _) || IsTime(Unquote(f), out _)));
            return (fields.Count, numbers, fields.Count(f => f.Length > 0) - numbers);
        }

        private void Before(byte[] line, long number)
        {
            byte[] order = [(byte)'\t', (byte)',', (byte)';', 0];
            byte best = 0;
            int bestNumbers = -1;
            foreach (byte d in order)
            {
                if (d != 0 && !line.Contains(d)) continue;
                int n = Count(line, d).Numbers;
                if (n > bestNumbers)
                {
                    best = d;
                    bestNumbers = n;
                }
            }
            var (_, numbers, words) = Count(line, best);
            if (numbers > 0 && numbers >= words) Start(line, number, best);
            else if (!_gaveUp && _held.Count < HeldLines) _held.Add((line, number));
            else
            {
                _gaveUp = true;
                Bad.Add(number);
            }
        }

        private static string Name(byte[] field)
        {
            var text = Encoding.UTF8.GetString(Unquote(field));
            return field.Length >= 2 && field[0] == (byte)'"' ? text.Replace("\"\"", "\"") : text;
        }

        private void Start(byte[] line, long number, byte delimiter)
        {
            _started = true;
            _delimiter = delimiter;
            var fields = Split(line, delimiter);
            List<string>? names = null;
            long namedAt = number;
            if (o.Columns is not null) names = [.. o.Columns];
            else if (!_gaveUp && _held.Count > 0 && Split(_held[^1].Line, delimiter).Count == fields.Count)
            {
                names = Split(_held[^1].Line, delimiter).Select(Name).ToList();
                namedAt = _held[^1].Number;
            }
            _columns = names?.Count ?? fields.Count;
            _kinds = new char[_columns];
            var isTime = new bool[_columns];
            for (int c = 0; c < _columns; c++)
            {
                _kinds[c] = 'n';
                if (c >= fields.Count || fields[c].Length == 0 || IsNumber(Unquote(fields[c]), out _)) continue;
                _kinds[c] = 'w';
                isTime[c] = IsTime(Unquote(fields[c]), out _);
            }
            _x = -1;
            if (o.XName is { } xName)
            {
                _x = names?.IndexOf(xName) ?? -1;
                if (_x < 0) Bad.Add(namedAt);
            }
            else if (o.XField is null && _columns > 1)
            {
                bool firstIsValue = _kinds[0] == 'n' || isTime[0];
                if (o.XTime) _x = firstIsValue ? 0 : -1;
                else if (isTime[0]) _x = 0;
                else if (names is not null) _x = firstIsValue && (names[0].Trim().Length == 0 || SaysX(names[0])) ? 0 : -1;
                else _x = _kinds.Contains('w') ? -1 : 0;
            }
            _timed = o.XIsArrival || (_x >= 0 && (o.XTime || isTime[_x]));
            if (_x >= 0) _kinds[_x] = 'x';
            int count = _kinds.Count(k => k == 'n');
            _seriesOf = new int[_columns];
            for (int c = 0; c < _columns; c++)
            {
                _seriesOf[c] = -1;
                if (_kinds[c] != 'n') continue;
                string name = names is not null && names[c].Length > 0 ? names[c] : count == 1 ? "y" : $"y{(_x == 0 ? c : c + 1)}";
                _seriesOf[c] = Define(name, _timed);
            }
            foreach (var (held, _) in _held) _repeats.Add(Split(held, delimiter).Select(Unquote).ToList());
            if (o.Columns is not null) _repeats.Add(o.Columns.Select(Encoding.UTF8.GetBytes).ToList());
            Row(line, number);
        }

        private void Row(byte[] line, long number)
        {
            var fields = Split(line, _delimiter);
            var values = new double[_columns];
            bool xNumber = false;
            bool ok = fields.Count == _columns;
            for (int c = 0; c < _columns && c < fields.Count && ok; c++)
            {
                var f = Unquote(fields[c]);
                switch (_kinds[c])
                {
                    case 'n':
                        if (!IsNumber(f, out values[c]))
                        {
                            if (fields[c].Length == 0) values[c] = double.NaN;
                            else ok = false;
                        }
                        break;
                    case 'x':
                        if (IsNumber(f, out values[c])) xNumber = true;
                        else ok = _timed && IsTime(f, out values[c]);
                        break;
                }
            }
            if (!ok)
            {
                var unquoted = fields.Select(Unquote).ToList();
                if (!_repeats.Any(r => r.Count == unquoted.Count && r.Zip(unquoted).All(p => p.First.SequenceEqual(p.Second)))) Bad.Add(number);
                return;
            }
            double x = _x >= 0 ? values[_x] : number;
            if (_timed && xNumber && _x >= 0) x = NumericTime(x);
            for (int c = 0; c < _columns; c++)
            {
                if (_seriesOf[c] >= 0) Add(_seriesOf[c], x, values[c]);
            }
        }

        // ---- JSON ----

        private record Member(string Name, char Kind, double Value, bool FromNumber = false); // 'n' number, 't' time, 'w' other string

        // Unix times written as numbers: seconds, or ms, µs or ns when the input's first one is 1e11 or more, 1e14, 1e17.
        private double _perSecond;

        private double NumericTime(double v)
        {
            if (_perSecond == 0)
            {
                if (!double.IsFinite(v)) return v;
                double size = Math.Abs(v);
                _perSecond = size < 1e11 ? 1 : size < 1e14 ? 1e3 : size < 1e17 ? 1e6 : 1e9;
            }
            return _perSecond == 1 ? v : v / _perSecond;
        }

        private void Json(byte[] line, long number)
        {
            if (line[0] != (byte)'{' || !TryJson(line, out var members, out var series))
            {
                Bad.Add(number);
                return;
            }
            int Last(string name) => members.FindLastIndex(m => m.Name == name);
            if (series is not null)
            {
                int y = members.FindLastIndex(m => m.Kind == 'n' && m.Name == "y");
                int xAt = Last("x");
                if (xAt < 0 && _xField is not null) xAt = Last(_xField);
                if (y < 0 || !X(members, xAt, number, out double x))
                {
                    Bad.Add(number);
                    return;
                }
                Add(Id(series), x, members[y].Value);
                return;
            }
            if (!_xDecided)
            {
                _xDecided = true;
                _xField = members.FirstOrDefault(m => m.Kind == 't' || (m.Kind == 'n' && SaysX(m.Name)))?.Name;
            }
            int xMember = -1;
            if (_xField is not null)
            {
                xMember = Last(_xField);
                if (xMember < 0)
                {
                    Bad.Add(number);
                    return;
                }
            }
            var points = members.Where(m => m.Kind == 'n' && m.Name != _xField).ToList();
            if (points.Count == 0 || !X(members, xMember, number, out double xValue))
            {
                Bad.Add(number);
                return;
            }
            foreach (var m in points) Add(Id(m.Name), xValue, m.Value);
        }

        private int Id(string name) => _byName.TryGetValue(name, out int id) ? id : Define(name, _jsonTimed == true);

        private bool X(List<Member> members, int at, long number, out double x)
        {
            x = number;
            bool isTime = false;
            if (at >= 0)
            {
                var m = members[at];
                if (m.Kind == 'w') return false;
                isTime = m.Kind == 't';
                if (isTime && _jsonTimed == false) return false;
                x = m.Value;
                if ((m.Kind == 'n' && _jsonTimed == true) || m.FromNumber) x = NumericTime(x);
            }
            _jsonTimed ??= isTime;
            return true;
        }

        private bool TryJson(byte[] line, out List<Member> members, out string? series)
        {
            members = [];
            series = null;
            try
            {
                StrictUtf8.GetString(line);
                using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return false;
                Fields(doc.RootElement, "", members, ref series);
                return true;
            }
            catch (Exception e) when (e is JsonException or DecoderFallbackException or InvalidOperationException or ArgumentException)
            {
                return false;
            }
        }

        // The fields of an object, a nested object's named "outer.inner" unless that name is longer than a series' may be.
        private void Fields(JsonElement obj, string prefix, List<Member> members, ref string? series)
        {
            foreach (var p in obj.EnumerateObject())
            {
                string name = prefix + p.Name; // throws for half a surrogate pair
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Object when Encoding.UTF8.GetByteCount(name) <= ProtocolLimits.MaxNameBytes:
                        Fields(p.Value, name + ".", members, ref series);
                        break;
                    case JsonValueKind.Number:
                        members.Add(new Member(name, 'n', double.Parse(p.Value.GetRawText(), CultureInfo.InvariantCulture)));
                        break;
                    case JsonValueKind.String:
                        string text = p.Value.GetString()!; // throws for half a surrogate pair
                        if (name == "series") series = text;
                        else if (!_xDecided || name == "x" || name == _xField)
                        {
                            var bytes = Encoding.UTF8.GetBytes(text);
                            bool iso = IsTime(bytes, out double at);
                            bool number = !iso && o.XTime && IsNumber(bytes, out at);
                            members.Add(new Member(name, iso || number ? 't' : 'w', at, number));
                        }
                        break;
                }
            }
        }
    }
}
