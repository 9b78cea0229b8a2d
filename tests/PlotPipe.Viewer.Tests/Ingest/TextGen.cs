using System.Globalization;
using System.Text;
using CsCheck;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>One generated text input: the options it is read with, its bytes, and where a pipe cuts them.</summary>
/// <param name="Cuts">Offsets where one arrival ends and the next begins.</param>
/// <param name="Segments">Offsets where an arrival's buffer is split into segments.</param>
internal sealed record TextCase(string? X, bool XTime, int Skip, string? Columns, string[] Panels, int MaxLineBytes, byte[] Input, int[] Cuts, int[] Segments)
{
    public TextOptions Options()
    {
        var options = new TextOptions { XField = X, XTime = XTime, Skip = Skip, MaxLineBytes = MaxLineBytes };
        var refused = options.ReadShape(Columns, Panels);
        return refused is null ? options : throw new InvalidOperationException($"the generator made options the command line refuses: {refused}");
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (byte b in Input) text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : b == (byte)'\n' ? "\\n\n" : $"\\x{b:X2}");
        return $"--x {X ?? "(default)"}{(XTime ? " --x-time" : "")} --skip {Skip} --columns {Columns ?? "(none)"} " +
            $"{string.Join(' ', Panels.Select(p => $"--panel \"{p}\""))} max line {MaxLineBytes}\ncuts {string.Join(' ', Cuts)}; segments {string.Join(' ', Segments)}\n{text}";
    }
}

/// <summary>
/// Generators of text input as people and broken programs write it: delimited rows (every delimiter, headers,
/// banners, repeats, words, quotes, numbers of every shape, ISO-8601 times) and JSON lines (both shapes, escapes,
/// half surrogate pairs, nesting), with invalid UTF-8, byte order marks, CRLF, blank and comment lines, over-long
/// lines and random bytes mixed in. Each case is drawn from a tape of numbers, so CsCheck shrinks a failure to a
/// short tape, a short input.
/// </summary>
internal static class TextGen
{
    /// <summary>Cases, from tapes of up to 700 draws.</summary>
    public static readonly Gen<TextCase> Cases = Gen.UInt.Array[1, 700].Select(Build);

    private static readonly string[] RowNames = ["loss", "step", "t", "time", "Time (s)", "x", "acc", "adc", "r", "free", "load1", "é", "名前", "y", "v"];
    private static readonly string[] HeaderOnlyNames = ["", "\"a,b\"", "\"say \"\"hi\"\"\"", "a b", "\"quoted\"", "@line"];
    private static readonly string[] JsonNames = ["loss", "t", "step", "x", "y", "acc", "adc", "current", "é", "😀", "time", "ts", "series", ""];
    private static readonly string[] Banners = ["procs -----------memory---------- ---swap--", "Report of the night", "==== run 3 ====", "hello world 42", "Linux 6.1 (host) 12/05/2026 _x86_64_ (2 CPU)"];

    private static readonly string[] Shapes =
    [
        "inf", "-inf", "+inf", "nan", "NaN", "-nan", "Infinity", "-INF", "1e308", "1e400", "-1e400", "4.9406564584124654E-324",
        "0.30000000000000004", ".5", "5.", "+7", "-0", "00012", "1_000", "0x10", "1.5x", "1,5", "--1", "1e", "e5", "abc", "1/389",
        "", "\"1.5\"", "\" 2 \"", "\"\"", "\u0661", "\u00a01", "\v5", "5\f", "1.7976931348623157E+308", "2.2250738585072014E-308",
        "2026-12-05T10:00:00Z", "2026-02-30", "1.5e-7", "-.25", "1E+2", "12:00", "\"", "\"7", "7\"",
    ];

    private static readonly string[] JsonNumbers = ["0", "-0", "1.5", "-2.5e-3", "1e400", "-1e400", "123456789012345678901234567890", "1E2", "0.1", "4.9406564584124654E-324"];

    private static TextCase Build(uint[] draws)
    {
        var t = new Tape(draws);
        bool json = t.Chance(35);
        int maxLine = t.Chance(15) ? t.Int(16, 100) : TextOptions.DefaultMaxLineBytes;
        int skip = t.Chance(15) ? t.Int(1, 3) : 0;
        bool xTime = t.Chance(15);
        var names = new List<string>();
        int columns = t.Int(1, 6);
        for (int i = 0; i < columns; i++) names.Add(json ? t.Pick(JsonNames) : t.Chance(10) ? t.Pick(HeaderOnlyNames) : t.Pick(RowNames));
        string? x = t.Int(9) switch
        {
            <= 4 => null,
            5 => xTime ? null : TextOptions.LineNumber,
            6 or 7 => names[t.Int(names.Count - 1)] is { Length: > 0 } n && n[0] != '@' && n.Trim() == n ? n : null,
            8 => "step",
            _ => "nope",
        };
        // --columns takes plain names only (no commas, quotes or blanks).
        string? columnNames = !json && t.Chance(12) ? string.Join(',', names.Select((n, i) => n is { Length: > 0 } && n.Trim() == n && !n.Contains(',') && !n.Contains('"') ? n : $"c{i}")) : null;
        var panels = new List<string>();
        if (t.Chance(20))
        {
            var pool = (json ? JsonNames : RowNames).Where(n => n.Length > 0).ToList();
            var used = new HashSet<string>();
            for (int p = 0, count = t.Int(1, 2); p < count; p++)
            {
                var members = Enumerable.Range(0, t.Int(1, 3)).Select(_ => t.Pick(pool.ToArray())).Where(used.Add).ToList();
                if (members.Count > 0) panels.Add($"P{p}{(t.Chance(30) ? ":log" : "")}={string.Join(',', members)}");
            }
        }

        var lines = json ? JsonLines(t, names) : DelimitedLines(t, names, maxLine);
        var input = new List<byte>();
        foreach (var line in lines)
        {
            if (t.Chance(4)) input.AddRange("\uFEFF"u8.ToArray());
            input.AddRange(line);
            input.AddRange(t.Chance(15) ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
        }
        if (input.Count > 0 && t.Chance(25)) input.RemoveAt(input.Count - 1);
        var bytes = input.ToArray();
        var cuts = Enumerable.Range(0, t.Int(0, 5)).Select(_ => t.Int(0, bytes.Length)).ToArray();
        var segments = Enumerable.Range(0, t.Int(0, 4)).Select(_ => t.Int(0, bytes.Length)).ToArray();
        return new TextCase(x, xTime, skip, columnNames, [.. panels], maxLine, bytes, cuts, segments);
    }

    private static List<byte[]> DelimitedLines(Tape t, List<string> names, int maxLine)
    {
        var lines = new List<byte[]>();
        string delimiter = t.Pick<string>([",", "\t", ";", " ", "   ", ", ", " ;"]);
        int xKind = t.Int(3); // 0 whole numbers going up, 1 decimals going up, 2 ISO-8601 times going up, 3 anything
        var banners = Enumerable.Range(0, t.Int(0, 2)).Select(_ => t.Pick(Banners)).ToList();
        string header = string.Join(delimiter, names);
        foreach (var b in banners) lines.Add(Utf8(b));
        if (t.Chance(70)) lines.Add(Utf8(header));
        int rows = t.Int(0, 20);
        for (int r = 0; r < rows; r++)
        {
            var fields = new List<string>();
            for (int c = 0; c < names.Count; c++) fields.Add(c == 0 && xKind < 3 ? X(t, xKind, r) : Value(t));
            if (t.Chance(5)) fields.RemoveAt(fields.Count - 1);
            if (t.Chance(5)) fields.Add(Value(t));
            var line = Utf8(string.Join(t.Chance(10) ? t.Pick<string>([",", "\t", " "]) : delimiter, fields));
            lines.Add(Mutate(t, line, maxLine));
            switch (t.Int(30))
            {
                case 0: lines.Add(Utf8(header)); break;
                case 1 when banners.Count > 0: lines.Add(Utf8(t.Pick<string>([.. banners]))); break;
                case 2: lines.Add([]); break;
                case 3: lines.Add(Utf8("# a comment, 1, 2")); break;
                case 4: lines.Add(Utf8("   \t ")); break;
                case 5: lines.Add(Utf8("{\"a\": 1}")); break;
                case 6: lines.Add(Utf8(string.Join(delimiter, names.Select(n => n.ToUpperInvariant())))); break;
            }
        }
        return lines;
    }

    private static string X(Tape t, int kind, int row) => kind switch
    {
        0 => (row * t.Int(0, 3)).ToString(CultureInfo.InvariantCulture),
        1 => (row * 0.25 + t.Int(0, 9) * 0.01).ToString("R", CultureInfo.InvariantCulture),
        _ => t.Int(5) switch
        {
            0 => $"2026-12-05T10:{row / 60:D2}:{row % 60:D2}Z",
            1 => $"2026-12-05 11:{row / 60:D2}:{row % 60:D2}.{t.Int(999):D3}+01:00",
            2 => $"2026-12-{1 + row % 28:D2}",
            3 => $"2026-12-05T10:{row / 60:D2}:{row % 60:D2},{t.Int(999_999_999):D9}+0000",
            4 => $"2026-12-05T10:{row % 60:D2}",
            _ => $"2026-12-05t10:{row / 60:D2}:{row % 60:D2}-00:30",
        },
    };

    private static string Value(Tape t) => t.Int(5) switch
    {
        0 => t.Int(0, 1000).ToString(CultureInfo.InvariantCulture),
        1 => (t.Int(-100_000, 100_000) / 997.0).ToString("R", CultureInfo.InvariantCulture),
        2 => BitConverter.Int64BitsToDouble(((long)t.Next() << 32) | t.Next()).ToString(t.Pick<string>(["R", "E3", "G5", "F2"]), CultureInfo.InvariantCulture),
        3 => (t.Int(0, 10_000) * 1e-3).ToString("0.###", CultureInfo.InvariantCulture),
        _ => t.Pick(Shapes),
    };

    // Breaks a line now and then: invalid UTF-8, a line over the limit, random bytes.
    private static byte[] Mutate(Tape t, byte[] line, int maxLine)
    {
        switch (t.Int(40))
        {
            case 0:
            case 1:
                return Insert(line, t.Int(line.Length), t.Pick<byte[]>([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0x80], [0xC0, 0xAF]]));
            case 2 when maxLine < TextOptions.DefaultMaxLineBytes || t.Chance(2):
                return Utf8(string.Concat(Enumerable.Repeat("1,", maxLine / 2 + t.Int(1, 40))));
            case 3:
                return [.. Enumerable.Range(0, t.Int(1, 30)).Select(_ => (byte)(t.Next() % 256)).Where(b => b != (byte)'\n')];
            default:
                return line;
        }
    }

    private static List<byte[]> JsonLines(Tape t, List<string> names)
    {
        var lines = new List<byte[]>();
        int rows = t.Int(0, 20);
        string xName = t.Pick<string>(["t", "step", "ts", "time", "x"]);
        bool timeX = t.Chance(30);
        for (int r = 0; r < rows; r++)
        {
            var line = new StringBuilder("{");
            int shape = t.Int(19);
            if (shape < 4)
            {
                line.Append($"\"series\": {JsonString(t, t.Pick<string>([.. names, "val"]))}");
                if (!t.Chance(20)) line.Append($", \"x\": {(timeX ? $"\"2026-12-05T10:00:{r % 60:D2}Z\"" : (r * 0.5).ToString("R", CultureInfo.InvariantCulture))}");
                if (!t.Chance(10)) line.Append($", \"y\": {t.Pick(JsonNumbers)}");
            }
            else
            {
                bool first = true;
                if (t.Chance(70))
                {
                    line.Append($"\"{xName}\": {(timeX ? $"\"2026-12-05T10:00:{r % 60:D2}.{t.Int(9)}Z\"" : (r + t.Int(0, 2) * 0.5).ToString("R", CultureInfo.InvariantCulture))}");
                    first = false;
                }
                for (int m = 0, count = t.Int(0, 4); m < count; m++)
                {
                    if (!first) line.Append(", ");
                    first = false;
                    line.Append($"{JsonString(t, t.Pick<string>([.. names]))}: {JsonValue(t, r)}");
                }
            }
            line.Append('}');
            var bytes = Utf8(line.ToString());
            bytes = t.Int(30) switch
            {
                0 => Insert(bytes, 2, t.Pick<byte[]>([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x80]])),
                1 => bytes[..^1],
                2 => [.. bytes, .. " x"u8],
                3 => Utf8(t.Pick<string>(["[1, 2]", "5", "{}", "\"a\"", "{\"a\": 1,}", "{\"a\" 1}", "{'a': 1}", "null"])),
                4 => Utf8("{\"deep\": " + new string('[', 70) + new string(']', 70) + ", \"a\": 1}"),
                5 => Utf8("{\"a\": 1, \"nested\": {\"s\": \"\\ud800\", \"n\": [1, {\"d\": 2}]}, \"flag\": true, \"none\": null}"),
                6 => Utf8("1,2,3"),
                _ => bytes,
            };
            lines.Add(bytes);
            if (t.Chance(4)) lines.Add(Utf8(t.Pick<string>(["", "# note", "  "])));
        }
        return lines;
    }

    // A JSON string for text: plain, with escapes, or with half a surrogate pair.
    private static string JsonString(Tape t, string text) => t.Int(12) switch
    {
        0 => "\"" + string.Concat(text.Select(c => $"\\u{(int)c:x4}")) + "\"",
        1 => $"\"{text}\\ud800\"",
        2 => $"\"\\udc00{text}\"",
        3 => $"\"{text}\\ud83d\\ude00\"",
        4 => $"\"{text}\\ud83d\\u0041\"",
        5 => $"\"{text}\\\"\\n\\t\\\\\"",
        _ => $"\"{text}\"",
    };

    private static string JsonValue(Tape t, int row) => t.Int(11) switch
    {
        <= 4 => t.Pick(JsonNumbers),
        5 => (row * 1.5).ToString("R", CultureInfo.InvariantCulture),
        6 => JsonString(t, t.Pick<string>(["2026-12-05T10:00:00Z", "abc", "12", "2026-12-05", "1e3"])),
        7 => t.Pick<string>(["true", "false", "null"]),
        8 => t.Pick<string>(["{\"s\": \"\\ud800\", \"n\": [1, 2]}", "{\"n\": 1.5, \"o\": {\"m\": -2, \"t\": \"2026-12-05T10:00:00Z\"}}", "{}"]),
        9 => "[1, \"two\", {\"three\": 3}]",
        _ => t.Int(-1000, 1000).ToString(CultureInfo.InvariantCulture),
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Insert(byte[] line, int at, byte[] bytes) => [.. line[..at], .. bytes, .. line[at..]];

    /// <summary>Draws from the tape; once it runs out every draw is 0, the simplest choice.</summary>
    private sealed class Tape(uint[] draws)
    {
        private int _at;

        public uint Next() => _at < draws.Length ? draws[_at++] : 0;

        public int Int(int max) => (int)(Next() % (uint)(max + 1));

        public int Int(int min, int max) => min + Int(max - min);

        public bool Chance(int percent) => Next() % 100 >= 100 - percent;

        public T Pick<T>(T[] items) => items[Int(items.Length - 1)];
    }
}
