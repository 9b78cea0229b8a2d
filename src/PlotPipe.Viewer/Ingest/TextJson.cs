using System.Text;
using System.Text.Json;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// JSON lines, one object a line, in either of two shapes: <c>{"step": 3, "loss": 0.3, "acc": 0.9}</c> is one
/// point for each numeric field, x from the field <c>--x</c> names (else the line number); and
/// <c>{"series": "loss", "x": 3, "y": 0.3}</c> is one point of the named series (x from <c>--x</c>'s field, then
/// the line number, when "x" is absent). Other values (strings, booleans, null, nested objects) are passed over.
/// </summary>
internal sealed class TextJson
{
    private readonly TextOptions _options;
    private readonly TextSeries _series;
    private readonly TextProblems _problems;
    private readonly byte[] _xField;
    private readonly byte[] _names;
    private char[] _chars = new char[256];
    private Field[] _fields = new Field[16];
    private bool _reportedFull;

    private record struct Field(int NameAt, int NameLength, double Value);

    /// <summary>Points go into <paramref name="series"/>; bad lines are counted in <paramref name="problems"/>.</summary>
    public TextJson(TextOptions options, TextSeries series, TextProblems problems)
    {
        _options = options;
        _series = series;
        _problems = problems;
        _xField = options.XField is null ? [] : Encoding.UTF8.GetBytes(options.XField);
        _names = new byte[options.MaxLineBytes];
    }

    /// <summary>Reads line <paramref name="number"/>, trimmed, neither blank nor a comment.</summary>
    public void Read(ReadOnlySpan<byte> line, long number)
    {
        int count = 0, namesUsed = 0;
        int seriesAt = -1, seriesLength = 0;
        bool hasX = false;
        double x = number;
        string? problem = null;
        if (line[0] != (byte)'{')
        {
            Bad(number, $"not a JSON object: {TextNumbers.Quote(line)}");
            return;
        }
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                Bad(number, "not a JSON object");
                return;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int nameAt = namesUsed;
                int nameLength = reader.CopyString(_names.AsSpan(namesUsed));
                namesUsed += nameLength;
                var name = _names.AsSpan(nameAt, nameLength);
                reader.Read();
                bool isX = _xField.Length > 0 ? name.SequenceEqual(_xField) : false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number:
                        // A JSON number is always one the parse reads; beyond double's range it is infinity, as with double.Parse.
                        if (!TextNumbers.TryParse(reader.ValueSpan, out double value))
                        {
                            problem ??= $"the number of \"{Encoding.UTF8.GetString(name)}\" cannot be read";
                            break;
                        }
                        if (isX)
                        {
                            x = value;
                            hasX = true;
                            break;
                        }
                        if (count == _fields.Length) Array.Resize(ref _fields, count * 2);
                        _fields[count++] = new Field(nameAt, nameLength, value);
                        break;
                    case JsonTokenType.String:
                        if (isX && _options.XTime)
                        {
                            if (!TextNumbers.TryParseTime(reader.ValueSpan, out x)) problem ??= $"x {TextNumbers.Quote(reader.ValueSpan)} is not a time";
                            hasX = true;
                        }
                        else if (name.SequenceEqual("series"u8))
                        {
                            seriesAt = namesUsed;
                            seriesLength = reader.CopyString(_names.AsSpan(namesUsed));
                            namesUsed += seriesLength;
                        }
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        reader.Skip();
                        break;
                }
            }
            // Anything after the object makes the reader throw (one value a line).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                Bad(number, "not a single JSON object");
                return;
            }
        }
        catch (JsonException e)
        {
            Bad(number, $"not valid JSON ({FirstSentence(e.Message)})");
            return;
        }
        if (problem is not null)
        {
            Bad(number, problem);
            return;
        }

        if (seriesAt >= 0)
        {
            // {"series": ..., "x": ..., "y": ...}: x is "x", else the --x field, else the line number.
            int yAt = -1;
            for (int i = 0; i < count; i++)
            {
                var name = Name(_fields[i]);
                if (name.SequenceEqual("y"u8)) yAt = i;
                else if (name.SequenceEqual("x"u8)) x = _fields[i].Value;
            }
            if (yAt < 0)
            {
                Bad(number, "names a series but has no numeric \"y\"");
                return;
            }
            int id = Id(_names.AsSpan(seriesAt, seriesLength), number);
            if (id >= 0) _series.Add(id, x, _fields[yAt].Value);
            return;
        }
        if (_xField.Length > 0 && !hasX)
        {
            Bad(number, $"no \"{_options.XField}\" field for x (--x)");
            return;
        }
        if (count == 0)
        {
            Bad(number, "no numeric field");
            return;
        }
        for (int i = 0; i < count; i++)
        {
            int id = Id(Name(_fields[i]), number);
            if (id >= 0) _series.Add(id, x, _fields[i].Value);
        }
    }

    private ReadOnlySpan<byte> Name(in Field field) => _names.AsSpan(field.NameAt, field.NameLength);

    // The series named by these UTF-8 bytes, defined on first sight; -1 once a plot is full.
    private int Id(ReadOnlySpan<byte> utf8, long number)
    {
        int needed = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int n = Encoding.UTF8.GetChars(utf8, _chars);
        var name = _chars.AsSpan(0, n);
        int id = _series.Find(name);
        if (id >= 0) return id;
        if (!_series.HasRoom)
        {
            if (!_reportedFull)
            {
                _reportedFull = true;
                _problems.Bad(number, $"series \"{new string(name)}\" is one more than the {ProtocolLimits.MaxSeries} a plot holds; fields naming further series are ignored");
            }
            return -1;
        }
        return _series.Define(new string(name));
    }

    private void Bad(long number, string reason) => _problems.Bad(number, _problems.ShowsNext ? reason : null);

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
