using System.Text;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Delimited numbers, one row a line. Lines before the first data row (a line with at least one number and no
/// more words than numbers) are a banner and a header: the header is the last of them, when its field count is
/// the data's (<c>--columns</c> names the columns instead); up to <see cref="HeldLines"/> are held, and a later
/// copy of any of them (vmstat repeats its own) is passed over. The first data row decides the delimiter (of tab,
/// comma, semicolon and runs of spaces, the one that reads the most numbers, in that order on a tie), the number of columns, which column is x
/// (<see cref="TextXRule"/>) and which columns are words (passed over on every row). Every other column is a series.
/// </summary>
internal sealed class TextRows
{
    /// <summary>Lines before the first data row held as banner or header; another one is a bad line.</summary>
    public const int HeldLines = 8;

    private const byte Whitespace = 0;
    private readonly TextOptions _options;
    private readonly TextSeries _series;
    private readonly TextProblems _problems;
    private readonly NumericTimes _numericTimes;
    // Whether the last row's x was a number (not an ISO-8601 time).
    private bool _xIsNumber;
    private readonly List<(byte[] Line, long Number)> _held = [];
    private bool _gaveUp;
    private bool _started;
    private byte _delimiter;
    private int _columns;
    private int _xColumn = -1;
    private bool _arrival;
    private bool _timed;
    private Kind[] _kinds = [];
    private int[] _seriesOfColumn = [];
    private double[] _values = [];
    private byte[][][] _repeats = [];

    private enum Kind : byte { Number, Words, X }

    /// <summary>Rows go into <paramref name="series"/>; bad ones are counted in <paramref name="problems"/>.</summary>
    public TextRows(TextOptions options, TextSeries series, TextProblems problems)
    {
        _options = options;
        _series = series;
        _problems = problems;
        _numericTimes = new NumericTimes(problems.Warn);
    }

    /// <summary>Reads line <paramref name="number"/>, trimmed, neither blank nor a comment.</summary>
    public void Read(ReadOnlySpan<byte> line, long number)
    {
        if (!_started)
        {
            Before(line, number);
            return;
        }
        int fields = Split(line, out int badField, out var badText);
        if (badField >= 0 || fields != _columns)
        {
            if (Repeats(line)) return;
            if (!_problems.ShowsNext) _problems.Bad(number, null);
            else if (badField >= 0) _problems.Bad(number, $"field {badField + 1} is not a {(_kinds[badField] == Kind.X && _timed ? "time" : "number")}: {TextNumbers.Quote(badText)}");
            else _problems.Bad(number, $"{fields} field{(fields == 1 ? "" : "s")} where the first data row had {_columns}");
            return;
        }
        // A time written as a number may be in milliseconds or finer: the first row stored tells.
        if (_timed && _xIsNumber && _xColumn >= 0) _values[_xColumn] = _numericTimes.Seconds(_values[_xColumn]);
        Add(number);
    }

    // "--panel CPU=us,sy,idd": the columns are known at the first data row, and a name none of them has would
    // leave its panel without that series and nothing said.
    private void NameUnknownPanelColumns(string?[]? names, List<string> defined)
    {
        foreach (var panel in _options.Panels)
        {
            foreach (var wanted in panel.Names)
            {
                if (defined.Contains(wanted) || (names is not null && Array.IndexOf(names, wanted) >= 0)) continue;
                var known = defined.Count <= 20 ? string.Join(", ", defined) : string.Join(", ", defined.Take(20)) + ", ...";
                _problems.Warn($"--panel \"{panel.Title}\": no column is named \"{wanted}\" (the series: {known})");
            }
        }
    }

    /// <summary>At the end of the input: says so when no line was a row of numbers (nothing was plotted).</summary>
    public void Complete()
    {
        if (_started || (_held.Count == 0 && !_gaveUp)) return;
        _problems.Note($"no data: none of the lines read is a row of numbers (the first was line {_held[0].Number})");
    }

    private void Add(long number)
    {
        var values = _values;
        double x = _xColumn >= 0 ? values[_xColumn] : _arrival ? TextNumbers.Now(_options.Clock) : number;
        var ids = _seriesOfColumn;
        for (int c = 0; c < ids.Length; c++)
        {
            int id = ids[c];
            if (id >= 0) _series.Add(id, x, values[c]);
        }
    }

    // A line before the first data row: held as banner or header, or the first data row itself.
    private void Before(ReadOnlySpan<byte> line, long number)
    {
        // The delimiter that reads the most numbers, the first of tab, comma, semicolon and spaces on a tie: so
        // "2026-12-05T10:00:01,547+00:00 0.6 0.5" (date -Ins) is split at spaces, "1, 2, 3" at commas.
        byte delimiter = Whitespace;
        var (fields, numbers, words) = Classify(line, Whitespace);
        foreach (byte candidate in "\t,;"u8)
        {
            if (!line.Contains(candidate)) continue;
            var counts = Classify(line, candidate);
            if (counts.Numbers > numbers || (counts.Numbers == numbers && delimiter == Whitespace))
            {
                delimiter = candidate;
                (fields, numbers, words) = counts;
            }
        }
        if (numbers > 0 && numbers >= words)
        {
            Start(line, number, delimiter);
            return;
        }
        if (!_gaveUp && _held.Count < HeldLines)
        {
            _held.Add((line.ToArray(), number));
            return;
        }
        _gaveUp = true;
        if (_problems.ShowsNext) _problems.Bad(number, $"not a row of numbers ({numbers} of {fields} fields are), and no data row came in the {HeldLines} lines before it");
        else _problems.Bad(number, null);
    }

    private static (int Fields, int Numbers, int Words) Classify(ReadOnlySpan<byte> line, byte delimiter)
    {
        int fields = 0, numbers = 0, words = 0;
        foreach (var field in new Fields(line, delimiter))
        {
            fields++;
            if (field.IsEmpty) continue;
            if (IsValue(Unquote(field))) numbers++;
            else words++;
        }
        return (fields, numbers, words);
    }

    private static bool IsValue(ReadOnlySpan<byte> field) => TextNumbers.TryParse(field, out _) || TextNumbers.TryParseIsoTime(field, out _);

    // The first data row: delimiter, columns, names, x, words; then it is read as data.
    private void Start(ReadOnlySpan<byte> line, long number, byte delimiter)
    {
        _started = true;
        _delimiter = delimiter;
        int fields = Count(line);
        long namedAt = number;
        string?[]? names = null;
        if (_options.Columns is { } columns)
        {
            names = [.. columns];
        }
        else if (!_gaveUp && _held.Count > 0 && Count(_held[^1].Line) == fields)
        {
            var header = _held[^1];
            names = new string?[fields];
            int h = 0;
            foreach (var field in new Fields(header.Line, delimiter)) names[h++] = Name(field);
            namedAt = header.Number;
        }
        _columns = names?.Length ?? fields;
        _values = new double[_columns];
        _kinds = new Kind[_columns];
        var isTime = new bool[_columns];
        var firsts = new double[_columns];
        int c = 0;
        bool anyWords = false;
        foreach (var field in new Fields(line, delimiter))
        {
            if (c == _columns) break;
            var text = Unquote(field);
            if (!field.IsEmpty && !TextNumbers.TryParse(text, out firsts[c]))
            {
                isTime[c] = TextNumbers.TryParseIsoTime(text, out _);
                _kinds[c] = Kind.Words;
                anyWords = true;
            }
            c++;
        }

        _arrival = _options.XIsArrival;
        _xColumn = -1;
        if (_options.XName is { } xName)
        {
            _xColumn = names is null ? -1 : Array.IndexOf(names, xName);
            if (_xColumn < 0)
            {
                string where = names is null ? "the rows have no header" : $"no column is named \"{TextNumbers.Shown(xName)}\"";
                if (_problems.ShowsNext) _problems.Bad(namedAt, $"{where} (--x {TextNumbers.Shown(xName)}); x is the line number");
                else _problems.Bad(namedAt, null);
            }
        }
        else if (_options.XField is null && _columns > 1)
        {
            bool firstIsValue = _kinds[0] == Kind.Number || isTime[0];
            if (_options.XTime) _xColumn = firstIsValue ? 0 : -1;
            else if (isTime[0]) _xColumn = 0;
            else if (names is not null) _xColumn = firstIsValue && names[0] is { } first && TextXRule.IsX(first) ? 0 : -1;
            else _xColumn = anyWords ? -1 : 0;
        }
        _timed = _arrival || (_xColumn >= 0 && (_options.XTime || isTime[_xColumn]));
        if (_xColumn >= 0) _kinds[_xColumn] = Kind.X;

        if ((_arrival ? "time" : _xColumn < 0 ? "line" : names?[_xColumn] is { } xColumnName ? TextXRule.LabelOf(xColumnName) : null) is { Length: > 0 } xLabel) _series.LabelX(xLabel);
        int series = 0;
        for (int i = 0; i < _columns; i++)
        {
            if (_kinds[i] == Kind.Number) series++;
        }
        _seriesOfColumn = new int[_columns];
        var defined = new List<string>(series);
        bool full = false;
        for (int i = 0; i < _columns; i++)
        {
            _seriesOfColumn[i] = -1;
            if (_kinds[i] != Kind.Number) continue;
            if (!_series.HasRoom)
            {
                full = true;
                continue;
            }
            // Unnamed columns count from the first one after x: "1 2 3" is x, y1, y2; loadavg's are y1 y2 y3 y5.
            string name = names?[i] is { Length: > 0 } given ? given : series == 1 ? "y" : $"y{i + (_xColumn == 0 ? 0 : 1)}";
            _seriesOfColumn[i] = _series.Define(name, _timed, firsts[i]);
            defined.Add(name);
        }
        if (full)
            _problems.Bad(namedAt, $"{_columns} columns: a plot holds at most {ProtocolLimits.MaxSeries} series, so the columns beyond are ignored");
        NameUnknownPanelColumns(names, defined);
        if (_series.Spread() is { } spread) _problems.Warn(spread);

        // Copies of the lines before the data (and of the --columns names) are passed over wherever they come again.
        var repeats = new List<byte[][]>(_held.Count + 1);
        foreach (var (held, _) in _held) repeats.Add(FieldsOf(held));
        if (_options.Columns is not null)
            repeats.Add([.. _options.Columns.Select(n => Encoding.UTF8.GetBytes(n))]);
        _repeats = [.. repeats];
        _held.Clear();
        Read(line, number);
    }

    private byte[][] FieldsOf(ReadOnlySpan<byte> line)
    {
        var fields = new List<byte[]>();
        foreach (var field in new Fields(line, _delimiter)) fields.Add(Unquote(field).ToArray());
        return [.. fields];
    }

    // Whether the line is a copy of a header or banner line: compared field by field, so spacing may differ.
    private bool Repeats(ReadOnlySpan<byte> line)
    {
        foreach (var fields in _repeats)
        {
            int i = 0;
            bool same = true;
            foreach (var field in new Fields(line, _delimiter))
            {
                if (i == fields.Length || !Unquote(field).SequenceEqual(fields[i]))
                {
                    same = false;
                    break;
                }
                i++;
            }
            if (same && i == fields.Length) return true;
        }
        return false;
    }

    private int Count(ReadOnlySpan<byte> line)
    {
        int n = 0;
        foreach (var _ in new Fields(line, _delimiter)) n++;
        return n;
    }

    // Parses the fields into values; returns how many there were.
    private int Split(ReadOnlySpan<byte> line, out int badField, out ReadOnlySpan<byte> badText)
    {
        badField = -1;
        badText = default;
        var values = _values;
        var kinds = _kinds;
        int n = 0;
        foreach (var field in new Fields(line, _delimiter))
        {
            if (n >= values.Length || badField >= 0)
            {
                n++;
                continue;
            }
            switch (kinds[n])
            {
                case Kind.Number:
                    if (!Number(field, out values[n]))
                    {
                        if (field.IsEmpty) values[n] = double.NaN;
                        else badField = n;
                    }
                    break;
                case Kind.X:
                    if (!_timed)
                    {
                        if (!Number(field, out values[n])) badField = n;
                    }
                    else if (Number(field, out values[n])) _xIsNumber = true;
                    else if (TextNumbers.TryParseIsoTime(Unquote(field), out values[n])) _xIsNumber = false;
                    else badField = n;
                    break;
            }
            if (badField == n) badText = field;
            n++;
        }
        return n;
    }

    private static bool Number(ReadOnlySpan<byte> field, out double value) => TextNumbers.TryParse(Unquote(field), out value);

    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> field) =>
        field.Length >= 2 && field[0] == (byte)'"' && field[^1] == (byte)'"' ? field[1..^1] : field;

    // A header field as a name: unquoted, a doubled quote inside read as one.
    private static string Name(ReadOnlySpan<byte> field)
    {
        var text = Encoding.UTF8.GetString(Unquote(field));
        return field.Length >= 2 && field[0] == (byte)'"' ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }

    /// <summary>
    /// The trimmed fields of a row, split at the delimiter (or at runs of spaces and tabs). A field that starts with
    /// a double quote runs to its closing quote (a doubled quote inside is part of it), so it may hold the delimiter.
    /// </summary>
    private ref struct Fields(ReadOnlySpan<byte> line, byte delimiter)
    {
        private ReadOnlySpan<byte> _rest = line;
        private bool _done;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Fields GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            // A quoted field may hold the delimiter: it is looked for only after the closing quote.
            int from = 0, lead = 0;
            while (lead < _rest.Length && _rest[lead] is (byte)' ' or (byte)'\t') lead++;
            if (lead < _rest.Length && _rest[lead] == (byte)'"') from = lead + ClosingQuote(_rest[lead..]) + 1;
            int at = From(_rest, from);
            if (at < 0)
            {
                Current = _rest.Trim(" \t"u8);
                _done = true;
                return true;
            }
            Current = _rest[..at].Trim(" \t"u8);
            _rest = _rest[(at + 1)..];
            if (delimiter == Whitespace) _rest = _rest.TrimStart(" \t"u8);
            return true;
        }

        private readonly int From(ReadOnlySpan<byte> rest, int from)
        {
            if (from >= rest.Length) return -1;
            int at = delimiter == Whitespace ? rest[from..].IndexOfAny((byte)' ', (byte)'\t') : rest[from..].IndexOf(delimiter);
            return at < 0 ? -1 : from + at;
        }

        // The index of the quote that closes the one at 0, or the last index when it is never closed.
        private static int ClosingQuote(ReadOnlySpan<byte> quoted)
        {
            int i = 1;
            while (true)
            {
                int q = quoted[i..].IndexOf((byte)'"');
                if (q < 0) return quoted.Length - 1;
                i += q;
                if (i + 1 < quoted.Length && quoted[i + 1] == (byte)'"') i += 2;
                else return i;
            }
        }
    }
}
