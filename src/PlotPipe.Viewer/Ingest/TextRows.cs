using System.Text;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Delimited numbers, one row a line. The first row decides: its delimiter (tab, else comma, else semicolon,
/// else runs of spaces), its number of columns, and, when it is not all numbers, the series' names. One column
/// is y against the line number; two or more are x (the first column, or the one <c>--x</c> names) and one
/// series for each other column.
/// </summary>
internal sealed class TextRows
{
    private const byte Whitespace = 0;
    private readonly TextOptions _options;
    private readonly TextSeries _series;
    private readonly TextProblems _problems;
    private byte _delimiter;
    private int _columns;
    private int _xColumn = -1;
    private int[] _seriesOfColumn = [];
    private double[] _values = [];
    private bool _started;

    /// <summary>Rows go into <paramref name="series"/>; bad ones are counted in <paramref name="problems"/>.</summary>
    public TextRows(TextOptions options, TextSeries series, TextProblems problems)
    {
        _options = options;
        _series = series;
        _problems = problems;
    }

    /// <summary>Reads line <paramref name="number"/>, trimmed, neither blank nor a comment.</summary>
    public void Read(ReadOnlySpan<byte> line, long number)
    {
        if (!_started)
        {
            _started = true;
            Start(line, number);
            return;
        }
        int fields = Split(line, _values.AsSpan(), out int badField, out var badText);
        if (badField >= 0)
        {
            if (_problems.ShowsNext) _problems.Bad(number, $"field {badField + 1} is not a number: {TextNumbers.Quote(badText)}");
            else _problems.Bad(number, null);
            return;
        }
        if (fields != _columns)
        {
            if (_problems.ShowsNext) _problems.Bad(number, $"{fields} field{(fields == 1 ? "" : "s")} where the first row had {_columns}");
            else _problems.Bad(number, null);
            return;
        }
        Add(number);
    }

    private void Add(long number)
    {
        var values = _values;
        double x = _xColumn < 0 ? number : values[_xColumn];
        var ids = _seriesOfColumn;
        for (int c = 0; c < ids.Length; c++)
        {
            int id = ids[c];
            if (id >= 0) _series.Add(id, x, values[c]);
        }
    }

    // The first row: delimiter, column count, names; then read as data unless it was the header.
    private void Start(ReadOnlySpan<byte> line, long number)
    {
        _delimiter = line.Contains((byte)'\t') ? (byte)'\t' : line.Contains((byte)',') ? (byte)',' : line.Contains((byte)';') ? (byte)';' : Whitespace;
        _columns = Count(line);
        _values = new double[_columns];
        var names = new string?[_columns];
        bool header = false;
        int c = 0;
        foreach (var field in new Fields(line, _delimiter))
        {
            names[c] = Encoding.UTF8.GetString(Unquote(field));
            // An empty field says nothing: "1,2," is data with a missing last value, not a header.
            if (!field.IsEmpty && !Number(field, out _) && !(_options.XTime && TextNumbers.TryParseTime(Unquote(field), out _))) header = true;
            c++;
        }
        _xColumn = _columns == 1 ? -1 : 0;
        if (header && _options.XField is { } xName && _columns > 1)
        {
            int found = Array.IndexOf(names, xName);
            if (found >= 0) _xColumn = found;
            else if (_problems.ShowsNext) _problems.Bad(number, $"no column is named \"{xName}\" (--x); x is the first column");
            else _problems.Bad(number, null);
        }

        _seriesOfColumn = new int[_columns];
        bool full = false;
        for (int i = 0; i < _columns; i++)
        {
            _seriesOfColumn[i] = -1;
            if (i == _xColumn) continue;
            if (!_series.HasRoom)
            {
                full = true;
                continue;
            }
            string name = header && names[i] is { Length: > 0 } given ? given
                : _columns <= 2 ? "y" : $"y{i}";
            _seriesOfColumn[i] = _series.Define(name);
        }
        if (full)
            _problems.Bad(number, $"{_columns} columns: a plot holds at most {ProtocolLimits.MaxSeries} series, so the columns beyond are ignored");
        if (!header) Read(line, number);
    }

    private int Count(ReadOnlySpan<byte> line)
    {
        int n = 0;
        foreach (var _ in new Fields(line, _delimiter)) n++;
        return n;
    }

    // Parses the fields into values; returns how many there were.
    private int Split(ReadOnlySpan<byte> line, Span<double> values, out int badField, out ReadOnlySpan<byte> badText)
    {
        badField = -1;
        badText = default;
        int n = 0;
        foreach (var field in new Fields(line, _delimiter))
        {
            if (n >= values.Length)
            {
                n++;
                continue;
            }
            if (!Number(field, out values[n]) && badField < 0)
            {
                if (n == _xColumn && _options.XTime && TextNumbers.TryParseTime(Unquote(field), out values[n])) { }
                else if (field.IsEmpty && n != _xColumn) values[n] = double.NaN;
                else
                {
                    badField = n;
                    badText = field;
                }
            }
            n++;
        }
        return n;
    }

    private static bool Number(ReadOnlySpan<byte> field, out double value) => TextNumbers.TryParse(Unquote(field), out value);

    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> field) =>
        field.Length >= 2 && field[0] == (byte)'"' && field[^1] == (byte)'"' ? field[1..^1] : field;

    /// <summary>The trimmed fields of a row, split at the delimiter (or at runs of spaces and tabs).</summary>
    private ref struct Fields(ReadOnlySpan<byte> line, byte delimiter)
    {
        private ReadOnlySpan<byte> _rest = line;
        private bool _done;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Fields GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            int at = delimiter == Whitespace ? _rest.IndexOfAny((byte)' ', (byte)'\t') : _rest.IndexOf(delimiter);
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
    }
}
