using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// JSON lines, one object a line, in either of two shapes: <c>{"step": 3, "loss": 0.3, "acc": 0.9}</c> is one
/// point for each numeric field, x from the field <c>--x</c> names (else the first field whose name says x or
/// whose value is an ISO-8601 time, chosen on the first such line; else the line number); and
/// <c>{"series": "loss", "x": 3, "y": 0.3}</c> is one point of the named series (x from "x", else the x field,
/// else the line number). A nested object's fields are fields of the line named with a dot, as pandas'
/// <c>json_normalize</c> names them: <c>{"t": 1, "accel": {"x": 0.5}}</c> holds <c>accel.x</c>. Other values
/// (booleans, null, arrays, other strings) are passed over, and so is an object whose dotted name is longer than a
/// series' name may be (<see cref="ProtocolLimits.MaxNameBytes"/>), which keeps a line's names within a few MB. A line
/// that is not UTF-8, or whose names or string values escape half a surrogate pair, is a bad line like any other.
/// With <c>--events FIELD</c>, a line whose FIELD holds a string is also a marker at the line's x, with that text.
/// </summary>
internal sealed class TextJson
{
    private readonly TextOptions _options;
    private readonly TextSeries _series;
    private readonly TextProblems _problems;
    private readonly NumericTimes _numericTimes;
    // Names and string values of the line's fields; nested fields' names repeat their object's, so it may outgrow the line.
    private byte[] _names;
    // The dotted name of the object being read ("accel." inside {"accel": {...}}), and where each enclosing one ended.
    private readonly byte[] _prefix = new byte[ProtocolLimits.MaxNameBytes + 1];
    private readonly int[] _prefixEnds = new int[MaxDepth];
    private byte[]? _xField;
    private readonly byte[]? _eventsField;
    private bool _xDecided;
    private bool? _timed;
    private bool _labelled;
    private char[] _chars = new char[256];
    private Member[] _members = new Member[16];
    private bool _reportedFull;

    private const int MaxDepth = 64;

    private enum Kind : byte { Number, Time, Words }

    // A field of the line (a nested one by its dotted name): its name in _names, and its number, time (Unix seconds) or
    // the raw text of a string.
    // FromNumber: a time written as a number in a string (--x-time), whose unit NumericTimes tells.
    private record struct Member(int NameAt, int NameLength, Kind Kind, double Value, int TextAt, int TextLength, bool FromNumber = false);

    /// <summary>Points go into <paramref name="series"/>; bad lines are counted in <paramref name="problems"/>.</summary>
    public TextJson(TextOptions options, TextSeries series, TextProblems problems)
    {
        _options = options;
        _series = series;
        _problems = problems;
        _numericTimes = new NumericTimes(problems.Warn);
        _xField = options.XName is { } name ? Encoding.UTF8.GetBytes(name) : null;
        _xDecided = options.XField is not null;
        _eventsField = options.EventsField is { } events ? Encoding.UTF8.GetBytes(events) : null;
        if (options.XTime || options.XIsArrival) _timed = true;
        _names = new byte[options.MaxLineBytes];
    }

    /// <summary>Reads line <paramref name="number"/>, trimmed, neither blank nor a comment.</summary>
    public void Read(ReadOnlySpan<byte> line, long number)
    {
        if (!_labelled)
        {
            _labelled = true;
            if (_xDecided) Label();
        }
        if (line[0] != (byte)'{')
        {
            Bad(number, $"not a JSON object: {TextNumbers.Quote(line)}");
            return;
        }
        if (!Utf8.IsValid(line))
        {
            Bad(number, $"not UTF-8 text (byte {FirstInvalidUtf8(line) + 1} of the line)");
            return;
        }
        int count = 0, namesUsed = 0;
        int seriesAt = -1, seriesLength = 0;
        // The marker's text, when the line has the --events field as a string; eventsWrong: it has it as something else.
        int eventAt = -1, eventLength = 0;
        bool eventsWrong = false;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                Bad(number, "not a JSON object");
                return;
            }
            // Objects entered below the line's own, and the length of their dotted name with its dot.
            int depth = 0, prefixLength = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    if (depth == 0) break;
                    prefixLength = _prefixEnds[--depth];
                    continue;
                }
                if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                {
                    Bad(number, $"the name {TextNumbers.Quote(reader.ValueSpan)} escapes half a surrogate pair, which is no character");
                    return;
                }
                int nameAt = namesUsed;
                Room(namesUsed + prefixLength + reader.ValueSpan.Length);
                _prefix.AsSpan(0, prefixLength).CopyTo(_names.AsSpan(nameAt));
                int nameLength = prefixLength + reader.CopyString(_names.AsSpan(nameAt + prefixLength));
                namesUsed += nameLength;
                var name = _names.AsSpan(nameAt, nameLength);
                reader.Read();
                if (_eventsField is not null && name.SequenceEqual(_eventsField))
                {
                    // The marker's field is never a series, whatever it holds; null is a line without a marker.
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                        {
                            Bad(number, $"the value of \"{Shown(name)}\" escapes half a surrogate pair, which is no character");
                            return;
                        }
                        Room(namesUsed + reader.ValueSpan.Length);
                        eventAt = namesUsed;
                        eventLength = reader.CopyString(_names.AsSpan(namesUsed));
                        namesUsed += eventLength;
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        eventsWrong = true;
                    }
                    else eventsWrong = reader.TokenType != JsonTokenType.Null;
                    continue;
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number:
                        // A JSON number is always one the parse reads; beyond double's range it is infinity, as with double.Parse.
                        TextNumbers.TryParse(reader.ValueSpan, out double value);
                        Keep(ref count, new Member(nameAt, nameLength, Kind.Number, value, 0, 0));
                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                        {
                            Bad(number, $"the value of \"{Shown(name)}\" escapes half a surrogate pair, which is no character");
                            return;
                        }
                        bool isSeries = name.SequenceEqual("series"u8);
                        if (!isSeries && !MayBeX(name)) break;
                        Room(namesUsed + reader.ValueSpan.Length);
                        int textAt = namesUsed;
                        int textLength = reader.CopyString(_names.AsSpan(namesUsed));
                        namesUsed += textLength;
                        if (isSeries)
                        {
                            seriesAt = textAt;
                            seriesLength = textLength;
                        }
                        else
                        {
                            // A number in a string is a time only when --x-time says x holds times.
                            var text = _names.AsSpan(textAt, textLength);
                            bool iso = TextNumbers.TryParseIsoTime(text, out double at);
                            bool fromNumber = !iso && _options.XTime && TextNumbers.TryParse(text, out at);
                            Keep(ref count, new Member(nameAt, nameLength, iso || fromNumber ? Kind.Time : Kind.Words, at, textAt, textLength, fromNumber));
                        }
                        break;
                    case JsonTokenType.StartObject when nameLength < _prefix.Length:
                        // Its fields are the line's, named "name.field"; the object's own name is no field.
                        _prefixEnds[depth++] = prefixLength;
                        name.CopyTo(_prefix);
                        _prefix[nameLength] = (byte)'.';
                        prefixLength = nameLength + 1;
                        namesUsed = nameAt;
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
            Bad(number, NotJson(line, e));
            return;
        }
        catch (InvalidOperationException)
        {
            // Not reached: the checks above leave nothing the reader cannot turn into text. Kept so a line never ends the viewer.
            Bad(number, "a name or value cannot be read as text");
            return;
        }
        var members = _members.AsSpan(0, count);
        if (eventsWrong)
        {
            Bad(number, $"the marker field \"{Shown(_eventsField)}\" (--events) holds no text");
            return;
        }
        // An empty note is no marker, as null is: logs often carry the field on every line.
        if (eventLength == 0) eventAt = -1;
        if (eventAt >= 0 && eventLength > ProtocolLimits.MaxEventTextBytes)
        {
            Bad(number, $"the marker \"{Shown(_eventsField)}\" (--events) has {eventLength} bytes of text; a marker takes at most {ProtocolLimits.MaxEventTextBytes}");
            return;
        }

        if (seriesAt >= 0)
        {
            // {"series": ..., "x": ..., "y": ...}: x is "x", else the x field, else the line number (or arrival time).
            int yAt = -1, xAt = -1;
            for (int i = 0; i < members.Length; i++)
            {
                var name = Name(members[i]);
                if (members[i].Kind == Kind.Number && name.SequenceEqual("y"u8)) yAt = i;
                else if (name.SequenceEqual("x"u8)) xAt = i;
            }
            if (xAt < 0 && _xField is not null) xAt = Last(members, _xField);
            if (yAt < 0)
            {
                Bad(number, "names a series but has no numeric \"y\"");
                return;
            }
            if (!X(members, xAt, number, out double x)) return;
            if (eventAt >= 0) Mark(x, eventAt, eventLength);
            int id = Id(_names.AsSpan(seriesAt, seriesLength), number, members[yAt].Value);
            if (id >= 0) _series.Add(id, x, members[yAt].Value);
            return;
        }

        if (!_xDecided) Decide(members);
        int xMember = -1;
        if (_xField is not null)
        {
            xMember = Last(members, _xField);
            if (xMember < 0)
            {
                Bad(number, $"no \"{Shown(_xField)}\" field for x{(_options.XField is null ? "" : " (--x)")}");
                return;
            }
        }
        bool any = false;
        for (int i = 0; i < members.Length && !any; i++)
            any = members[i].Kind == Kind.Number && !IsX(members[i]);
        if (!any && eventAt < 0)
        {
            Bad(number, "no numeric field");
            return;
        }
        if (!X(members, xMember, number, out double xValue)) return;
        if (eventAt >= 0) Mark(xValue, eventAt, eventLength);
        for (int i = 0; i < members.Length; i++)
        {
            if (members[i].Kind != Kind.Number || IsX(members[i])) continue;
            int id = Id(Name(members[i]), number, members[i].Value);
            if (id >= 0) _series.Add(id, xValue, members[i].Value);
        }
    }

    // A marker at the line's x; its x is a time when the stream's x are.
    private void Mark(double x, int textAt, int textLength) =>
        _series.Mark(x, _timed == true, Encoding.UTF8.GetString(_names.AsSpan(textAt, textLength)));

    // Makes _names hold at least length bytes.
    private void Room(int length)
    {
        if (length > _names.Length) Array.Resize(ref _names, Math.Max(length, _names.Length * 2));
    }

    private void Keep(ref int count, in Member member)
    {
        if (count == _members.Length) Array.Resize(ref _members, count * 2);
        _members[count++] = member;
    }

    // Strings are read only where they may be x: "x", the x field, or any field while the x field is still to be chosen.
    private bool MayBeX(ReadOnlySpan<byte> name) => !_xDecided || name.SequenceEqual("x"u8) || (_xField is not null && name.SequenceEqual(_xField));

    // Whether the member is the x field (whose name may be empty: "" is a name like any other).
    private bool IsX(in Member member) => _xField is not null && Name(member).SequenceEqual(_xField);

    // The first plain line chooses x for the stream: the first field whose name says x or whose value is a time.
    private void Decide(ReadOnlySpan<Member> members)
    {
        _xDecided = true;
        foreach (var m in members)
        {
            if (m.Kind == Kind.Time || (m.Kind == Kind.Number && SaysX(Name(m))))
            {
                _xField = Name(m).ToArray();
                break;
            }
        }
        Label();
    }

    private bool SaysX(ReadOnlySpan<byte> name)
    {
        int needed = Encoding.UTF8.GetMaxCharCount(name.Length);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        return TextXRule.SaysX(_chars.AsSpan(0, Encoding.UTF8.GetChars(name, _chars)));
    }

    private void Label() => _series.LabelX(_options.XIsArrival ? "time" : _xField is not null ? Encoding.UTF8.GetString(_xField) : "line");

    // The x of a line from member xAt (-1: the line number or arrival time); false when the line is bad for it.
    private bool X(ReadOnlySpan<Member> members, int xAt, long number, out double x)
    {
        bool isTime = false;
        if (xAt < 0) x = _options.XIsArrival ? TextNumbers.Now(_options.Clock) : number;
        else
        {
            var m = members[xAt];
            x = m.Value;
            if (m.Kind == Kind.Words)
            {
                var text = TextNumbers.Quote(_names.AsSpan(m.TextAt, m.TextLength));
                Bad(number, _timed == true ? $"x {text} is not a time" : $"x {text} is not a number");
                return false;
            }
            isTime = m.Kind == Kind.Time;
            if (isTime && _timed == false)
            {
                Bad(number, $"x {TextNumbers.Quote(_names.AsSpan(m.TextAt, m.TextLength))} is a time, but the x before were numbers");
                return false;
            }
            // A time written as a number (in a string with --x-time, or bare once x are times) may be in milliseconds
            // or finer: the first one tells.
            if ((m.Kind == Kind.Number && _timed == true) || m.FromNumber)
                x = _numericTimes.Seconds(x);
        }
        // The first point decides whether the stream's x are times; --x-time and @time decided it already.
        _timed ??= isTime;
        return true;
    }

    private int Last(ReadOnlySpan<Member> members, ReadOnlySpan<byte> name)
    {
        for (int i = members.Length - 1; i >= 0; i--)
        {
            if (NameOf(members[i], name)) return i;
        }
        return -1;
    }

    private bool NameOf(in Member member, ReadOnlySpan<byte> name) => Name(member).SequenceEqual(name);

    private ReadOnlySpan<byte> Name(in Member member) => _names.AsSpan(member.NameAt, member.NameLength);

    // The series named by these UTF-8 bytes, defined on first sight (first: its first value); -1 once a plot is full.
    private int Id(ReadOnlySpan<byte> utf8, long number, double first)
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
                _problems.Bad(number, $"series \"{TextNumbers.Shown(new string(name))}\" is one more than the {ProtocolLimits.MaxSeries} a plot holds; fields naming further series are ignored");
            }
            return -1;
        }
        int defined = _series.Define(new string(name), _timed == true, first);
        if (_series.Spread() is { } spread) _problems.Warn(spread);
        return defined;
    }

    private void Bad(long number, string reason) => _problems.Bad(number, _problems.ShowsNext ? reason : null);

    private static string Shown(ReadOnlySpan<byte> utf8) => TextNumbers.Shown(Encoding.UTF8.GetString(utf8));

    // Whether a string's raw (escaped) text has a \u escape of a surrogate without its other half: no character,
    // so no UTF-8 or UTF-16 string can hold it.
    private static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        int i = raw.IndexOf((byte)'\\');
        if (i < 0) return false;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }
            if (i + 1 >= raw.Length || raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }
            int unit = Hex(raw, i + 2);
            if (unit is >= 0xDC00 and <= 0xDFFF or < 0) return true;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                int next = i + 6 + 1 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u' ? Hex(raw, i + 8) : -1;
                if (next is not (>= 0xDC00 and <= 0xDFFF)) return true;
                i += 12;
                continue;
            }
            i += 6;
        }
        return false;
    }

    // The four hex digits at raw[at..], or -1 when they are not there.
    private static int Hex(ReadOnlySpan<byte> raw, int at)
    {
        if (at + 4 > raw.Length) return -1;
        int value = 0;
        for (int k = at; k < at + 4; k++)
        {
            int d = raw[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => raw[k] - '0',
                >= (byte)'a' and <= (byte)'f' => raw[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => raw[k] - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return -1;
            value = value * 16 + d;
        }
        return value;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[i..], out _, out int used) != System.Buffers.OperationStatus.Done) return i;
            i += used;
        }
        return -1;
    }

    // Python's json.dumps writes a NaN or infinite float as NaN, Infinity or -Infinity, which JSON has no word for:
    // the commonest bad line of a device's JSON, named as such rather than as the reader's "invalid start of a value".
    private static string NotJson(ReadOnlySpan<byte> line, JsonException e)
    {
        if (e.BytePositionInLine is long at && at < line.Length)
        {
            int start = (int)at;
            // The reader stops at the sign or just after it, depending on the word.
            if (start > 0 && line[start - 1] == (byte)'-' && line[start] == (byte)'I') start--;
            var rest = line[start..];
            string? word = rest.StartsWith("NaN"u8) ? "NaN" : rest.StartsWith("Infinity"u8) ? "Infinity" : rest.StartsWith("-Infinity"u8) ? "-Infinity" : null;
            if (word is not null)
                return $"not valid JSON: {word} at byte {start + 1} is no JSON number (Python's json.dumps writes it for a NaN or infinite float); send null to leave the value out";
        }
        return $"not valid JSON ({TextNumbers.Shown(FirstSentence(e.Message))})";
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
