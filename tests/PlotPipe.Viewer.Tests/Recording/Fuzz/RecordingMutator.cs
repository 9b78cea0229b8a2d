using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using PlotPipe.Viewer.Recording;

namespace PlotPipe.Viewer.Tests.Recording.Fuzz;

/// <summary>
/// Damages a recording the ways files get damaged and the ways an attacker would: bits flipped, bytes set, inserted
/// and deleted, the file cut; aimed at the IPC framing (continuation markers, metadata lengths), at the flatbuffer
/// metadata (offsets, vtable entries, body lengths, row counts, buffer offsets and lengths, counts that lie), at the
/// bodies (series indices out of the dictionary, name offsets), at the plot definitions JSON (nulls, missing fields,
/// wrong types, huge numbers, long and empty strings, lone surrogates, bad UTF-8, broken JSON), at whole messages
/// (dropped, repeated, swapped, a second schema) and by replacing the file with something else entirely.
/// Each change is described in the log, so a failing case says what was done to it.
/// </summary>
internal sealed class RecordingMutator(Random rng, IReadOnlyList<(string Name, byte[] Bytes)> seeds)
{
    private const string RawMarker = "RAW-VALUE-7f3a";

    /// <summary>One message of a recording as laid out in its bytes: where it starts, its metadata, its body, its type (1 schema, 2 names, 3 batch).</summary>
    internal sealed record MessageSpan(int Start, int MetaStart, int MetaLength, int BodyStart, long BodyLength, byte Type);

    /// <summary>A damaged copy of a seed, with what was done to it in <paramref name="log"/>.</summary>
    public byte[] Make(List<string> log)
    {
        var (name, bytes) = seeds[rng.Next(seeds.Count)];
        log.Add($"seed {name}");
        int changes = rng.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        for (int i = 0; i < changes; i++) bytes = Apply(bytes, log);
        return bytes;
    }

    private byte[] Apply(byte[] input, List<string> log)
    {
        var messages = Scan(input);
        int kind = rng.Next(100);
        return kind switch
        {
            < 8 => FlipBit(input, log),
            < 13 => SetByte(input, log),
            < 17 => Truncate(input, log),
            < 21 => Insert(input, log),
            < 25 => Delete(input, log),
            < 31 when messages.Count > 0 => MetadataLength(input, Pick(messages), log),
            < 34 when messages.Count > 0 => Marker(input, Pick(messages), log),
            < 46 when messages.Count > 0 => MetadataWord(input, Pick(messages), log),
            < 52 when messages.Count > 0 => MetadataShort(input, Pick(messages), log),
            < 62 when Batches(messages) is { Count: > 0 } batches => LieAboutCounts(input, Pick(batches), log),
            < 67 when Batches(messages) is { Count: > 0 } batches => SeriesIndex(input, Pick(batches), log),
            < 71 when messages.Find(m => m.Type == 2) is { } names => NameOffsets(input, names, log),
            < 83 => Definitions(input, log),
            < 87 => JsonBytes(input, log),
            < 94 when messages.Count > 1 => Splice(input, messages, log),
            < 97 => Foreign(input, log),
            _ => FlipBit(input, log),
        };
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static List<MessageSpan> Batches(List<MessageSpan> messages) => messages.FindAll(m => m.Type == 3);

    private byte[] FlipBit(byte[] input, List<string> log)
    {
        if (input.Length == 0) return input;
        var output = (byte[])input.Clone();
        int at = rng.Next(output.Length), bit = rng.Next(8);
        output[at] ^= (byte)(1 << bit);
        log.Add($"bit {bit} of byte {at} flipped");
        return output;
    }

    private byte[] SetByte(byte[] input, List<string> log)
    {
        if (input.Length == 0) return input;
        var output = (byte[])input.Clone();
        int at = rng.Next(output.Length);
        byte[] values = [0, 0xFF, 0x7F, 0x80, 1, (byte)rng.Next(256)];
        output[at] = Pick(values);
        log.Add($"byte {at} set to 0x{output[at]:X2}");
        return output;
    }

    private byte[] Truncate(byte[] input, List<string> log)
    {
        int length = rng.Next(input.Length + 1);
        log.Add($"cut to {length} bytes");
        return input[..length];
    }

    private byte[] Insert(byte[] input, List<string> log)
    {
        int at = rng.Next(input.Length + 1), n = 1 + rng.Next(16);
        var extra = new byte[n];
        rng.NextBytes(extra);
        log.Add($"{n} bytes inserted at {at}");
        return [.. input.AsSpan(0, at), .. extra, .. input.AsSpan(at)];
    }

    private byte[] Delete(byte[] input, List<string> log)
    {
        if (input.Length == 0) return input;
        int at = rng.Next(input.Length), n = Math.Min(1 + rng.Next(32), input.Length - at);
        log.Add($"{n} bytes deleted at {at}");
        return [.. input.AsSpan(0, at), .. input.AsSpan(at + n)];
    }

    private byte[] MetadataLength(byte[] input, MessageSpan message, List<string> log)
    {
        int[] values = [0, -1, 1, 4, 7, 8, message.MetaLength - 8, message.MetaLength + 8, message.MetaLength * 2, (64 << 20) + 1, int.MaxValue, int.MinValue, rng.Next()];
        int value = Pick(values);
        log.Add($"metadata length of the message at {message.Start} set to {value}");
        return WithInt(input, message.MetaStart - 4, value);
    }

    private byte[] Marker(byte[] input, MessageSpan message, List<string> log)
    {
        int[] values = [0, 0x7FFFFFFF, unchecked((int)0xFFFFFFFE), 0x4F525241, rng.Next()];
        int value = Pick(values);
        log.Add($"continuation marker of the message at {message.Start} set to {value}");
        return WithInt(input, message.Start, value);
    }

    private byte[] MetadataWord(byte[] input, MessageSpan message, List<string> log)
    {
        if (message.MetaLength < 8) return input;
        int at = message.MetaStart + 4 * rng.Next(message.MetaLength / 4 - 1);
        long[] values = [0, -1, 1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, message.MetaLength, message.BodyLength, rng.Next(64), rng.NextInt64()];
        long value = Pick(values);
        var output = (byte[])input.Clone();
        if (rng.Next(2) == 0) BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(at), (int)value);
        else BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(at), value);
        log.Add($"metadata word at {at} (message at {message.Start}) set to {value}");
        return output;
    }

    private byte[] MetadataShort(byte[] input, MessageSpan message, List<string> log)
    {
        if (message.MetaLength < 2) return input;
        int at = message.MetaStart + 2 * rng.Next(message.MetaLength / 2);
        ushort[] values = [0, 1, 2, 3, 4, 5, 0xFFFF, 0x8000, (ushort)rng.Next(65536)];
        ushort value = Pick(values);
        var output = (byte[])input.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(at), value);
        log.Add($"metadata short at {at} (message at {message.Start}) set to {value}");
        return output;
    }

    // A batch's metadata holds its row count, each column's length and its buffers' offsets and lengths as 64-bit
    // integers: find the words that carry those values and make one lie.
    private byte[] LieAboutCounts(byte[] input, MessageSpan batch, List<string> log)
    {
        var meta = input.AsSpan(batch.MetaStart, batch.MetaLength);
        var candidates = new List<(int At, long Value)>();
        for (int at = 0; at + 8 <= meta.Length; at += 4)
        {
            long v = BinaryPrimitives.ReadInt64LittleEndian(meta[at..]);
            if (v > 0 && v <= batch.BodyLength) candidates.Add((batch.MetaStart + at, v));
        }
        if (candidates.Count == 0) return input;
        var (where, was) = Pick(candidates);
        long[] values = [0, 1, was - 1, was + 1, was * 2, was + 8, -was, -1, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, batch.BodyLength, batch.BodyLength + 1];
        long value = Pick(values);
        log.Add($"count {was} at {where} (batch at {batch.Start}) set to {value}");
        var output = (byte[])input.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(where), value);
        return output;
    }

    // The series column starts the body: one int32 dictionary index a row.
    private byte[] SeriesIndex(byte[] input, MessageSpan batch, List<string> log)
    {
        int rows = (int)Math.Min(batch.BodyLength / 28, (input.Length - batch.BodyStart) / 4);
        if (rows <= 0) return input;
        int row = rng.Next(rows);
        int[] values = [4, 5, 8, 9, 16, 1000, -1, int.MaxValue, int.MinValue, rng.Next()];
        int value = Pick(values);
        log.Add($"series index of row {row} (batch at {batch.Start}) set to {value}");
        return WithInt(input, batch.BodyStart + 4 * row, value);
    }

    // A names batch's body starts with its int32 offsets into the names' text.
    private byte[] NameOffsets(byte[] input, MessageSpan names, List<string> log)
    {
        int count = (int)Math.Min(8, (input.Length - names.BodyStart) / 4);
        if (count <= 0) return input;
        int i = rng.Next(count);
        int[] values = [-1, 0, 1, 1000, int.MaxValue, int.MinValue, rng.Next(256)];
        int value = Pick(values);
        log.Add($"name offset {i} (names batch at {names.Start}) set to {value}");
        return WithInt(input, names.BodyStart + 4 * i, value);
    }

    // The definitions JSON changed in place, byte by byte: bad UTF-8, quotes and brackets where they break it.
    private byte[] JsonBytes(byte[] input, List<string> log)
    {
        int start = input.AsSpan().IndexOf("{\"title\""u8);
        if (start < 0) return FlipBit(input, log);
        int end = start + input.AsSpan(start).IndexOf((byte)0);
        if (end <= start) end = input.Length;
        var output = (byte[])input.Clone();
        int at = start + rng.Next(end - start);
        byte[] values = [0xFF, 0xC0, 0x80, 0xED, 0xF4, 0, (byte)'"', (byte)'{', (byte)']', (byte)'\\', (byte)',', (byte)'9', (byte)' '];
        output[at] = Pick(values);
        log.Add($"definitions JSON byte at {at} set to 0x{output[at]:X2}");
        return output;
    }

    // The definitions JSON rewritten and the recording written again around it by the viewer's own message writer.
    private byte[] Definitions(byte[] input, List<string> log)
    {
        int target = -1;
        var rewritten = Reassemble(input, (batch, definitions) =>
        {
            if (definitions is null || target >= 0 && target != batch) return definitions;
            if (target < 0 && rng.Next(2) == 0 && batch > 0) return definitions;
            target = batch;
            var json = MutateJson(definitions, out var what);
            log.Add($"definitions of batch {batch + 1}: {what}");
            return json;
        });
        return rewritten ?? FlipBit(input, log);
    }

    private string MutateJson(string json, out string what)
    {
        if (rng.Next(4) == 0) return RawJson(json, out what);
        try
        {
            return RewriteJson(json, out what);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // An earlier change left JSON that System.Text.Json will not take apart or write back (broken text, an
            // escaped lone surrogate): damage it as text instead.
            return RawJson(json, out what);
        }
    }

    private string RewriteJson(string json, out string what)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var places = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        foreach (var key in new[] { "title", "panels", "producers", "series" }) places.Add((root, key, -1, "$." + key));
        foreach (var list in new[] { "panels", "producers", "series" })
        {
            if (root[list] is not JsonArray array) continue;
            for (int i = 0; i < array.Count; i++)
            {
                places.Add((array, null, i, $"$.{list}[{i}]"));
                if (array[i] is JsonObject item)
                {
                    foreach (var field in item.Select(p => p.Key).ToList()) places.Add((item, field, -1, $"$.{list}[{i}].{field}"));
                    places.Add((item, "extra", -1, $"$.{list}[{i}].extra"));
                }
            }
        }
        var parts = new List<string>();
        var raws = new List<string>();
        for (int n = 1 + rng.Next(3); n > 0; n--)
        {
            var (parent, key, index, path) = Pick(places);
            var (value, shown, raw) = Value();
            if (key is not null)
            {
                var item = parent.AsObject();
                if (shown == "removed") item.Remove(key);
                else item[key] = value;
            }
            else
            {
                parent.AsArray()[index] = value;
            }
            if (raw is not null) raws.Add(raw);
            parts.Add($"{path} = {shown}");
        }
        what = string.Join(", ", parts);
        var text = root.ToJsonString();
        foreach (var raw in raws)
        {
            int at = text.IndexOf($"\"{RawMarker}\"", StringComparison.Ordinal);
            if (at >= 0) text = text[..at] + raw + text[(at + RawMarker.Length + 2)..];
        }
        return text;
    }

    private (JsonNode? Value, string Shown, string? Raw) Value()
    {
        string[] raws = ["1e400", "-1e400", "-0", "18446744073709551616", "-9223372036854775809", "\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\"", "\"\\u001b[2J\\r\\nred\\u0007\"", new string('[', 200) + new string(']', 200), "NaN", "0x10"];
        switch (rng.Next(30))
        {
            case 0: return (null, "null", null);
            case 1: return (null, "removed", null);
            case 2: return (JsonValue.Create(""), "\"\"", null);
            case 3: return (JsonValue.Create("bogus"), "\"bogus\"", null);
            case 4: return (JsonValue.Create(new string('x', 100_000)), "a 100,000-character string", null);
            case 5: return (JsonValue.Create("log"), "\"log\"", null);
            case 6: return (JsonValue.Create("line"), "\"line\"", null);
            case 7: return (JsonValue.Create("zz--"), "\"zz--\"", null);
            case 8: return (JsonValue.Create(true), "true", null);
            case 9: return (new JsonArray(), "[]", null);
            case 10: return (new JsonObject(), "{}", null);
            case 11: return (new JsonArray(null, null), "[null, null]", null);
            case 12: return (new JsonArray(1, 2, 3), "[1, 2, 3]", null);
            case 13: return (new JsonObject { ["a"] = 1 }, "{\"a\": 1}", null);
            case 14: return (JsonValue.Create(1.5), "1.5", null);
            case 15: return (JsonValue.Create(1e308), "1e308", null);
            case 16: return (JsonValue.Create(long.MaxValue), "long.MaxValue", null);
            case 17: return (JsonValue.Create(long.MinValue), "long.MinValue", null);
            case 18: return (JsonValue.Create((long)int.MaxValue + 1), "2^31", null);
            case 19: return (JsonValue.Create(int.MaxValue), "int.MaxValue", null);
            case 20:
                {
                    int[] ids = [-1, 0, 1, 63, 64, 1023, 1024, 65535, 65536];
                    int id = Pick(ids);
                    return (JsonValue.Create(id), id.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
                }
            case 21:
                {
                    var many = new JsonArray();
                    for (int i = 0; i < 3000; i++) many.Add(new JsonObject { ["label"] = $"s{i}", ["name"] = $"s{i}", ["id"] = i % 1024, ["kind"] = "line", ["format"] = "-", ["panel"] = i % 64, ["flags"] = 0 });
                    return (many, "3,000 series", null);
                }
            default:
                {
                    var raw = Pick(raws);
                    return (JsonValue.Create(RawMarker), raw.Length > 20 ? raw[..20] + "…" : raw, raw);
                }
        }
    }

    private string RawJson(string json, out string what)
    {
        switch (rng.Next(5))
        {
            case 0:
                {
                    int at = rng.Next(json.Length);
                    what = $"cut to {at} characters";
                    return json[..at];
                }
            case 1:
                {
                    int at = rng.Next(json.Length);
                    string[] pieces = ["\"", "{", "}", "[", ",", "\\", ":", "\\ud800", "\u0001", "\"\\ud800\""];
                    var piece = Pick(pieces);
                    what = $"{piece} inserted at character {at}";
                    return json[..at] + piece + json[at..];
                }
            case 2:
                {
                    // A string's content made a lone surrogate or a control character, escaped as JSON allows.
                    int at = json.IndexOf(":\"", rng.Next(json.Length), StringComparison.Ordinal);
                    if (at < 0) at = json.IndexOf(":\"", StringComparison.Ordinal);
                    string[] escapes = ["\\ud800", "\\udfff", "\\u0000", "\\ud83d"];
                    var escape = Pick(escapes);
                    what = $"{escape} put into the string at character {at}";
                    return json[..(at + 2)] + escape + json[(at + 2)..];
                }
            default:
                {
                    string[] wholes = ["null", "[]", "42", "\"text\"", "", "{", "{}", "{\"title\":null}", "{\"series\":[null]}", "{\"panels\":null,\"producers\":null,\"series\":null}", new string('{', 100), "{\"title\":\"\\ud800\"}"];
                    var whole = Pick(wholes);
                    what = $"replaced by {(whole.Length > 30 ? whole[..30] + "…" : whole)}";
                    return whole;
                }
        }
    }

    private byte[] Splice(byte[] input, List<MessageSpan> messages, List<string> log)
    {
        var parts = new List<byte[]>();
        int end = messages[^1].BodyStart + (int)Math.Min(messages[^1].BodyLength, input.Length - messages[^1].BodyStart);
        foreach (var m in messages) parts.Add(input[m.Start..Math.Min(input.Length, m.BodyStart + (int)Math.Min(m.BodyLength, input.Length - m.BodyStart))]);
        var tail = input[end..];
        int i = rng.Next(parts.Count), j = rng.Next(parts.Count);
        switch (rng.Next(5))
        {
            case 0:
                log.Add($"message {i + 1} dropped");
                parts.RemoveAt(i);
                break;
            case 1:
                log.Add($"message {i + 1} repeated before message {j + 1}");
                parts.Insert(j, parts[i]);
                break;
            case 2:
                log.Add($"messages {i + 1} and {j + 1} swapped");
                (parts[i], parts[j]) = (parts[j], parts[i]);
                break;
            case 3:
                log.Add($"message {i + 1} repeated 50 times");
                for (int k = 0; k < 50; k++) parts.Insert(i, parts[i]);
                break;
            default:
                var (name, other) = Pick(seeds);
                log.Add($"seed {name} appended");
                tail = [.. tail, .. other];
                break;
        }
        return [.. parts.SelectMany(p => p), .. tail];
    }

    private byte[] Foreign(byte[] input, List<string> log)
    {
        var noise = new byte[1 + rng.Next(4096)];
        rng.NextBytes(noise);
        (string What, byte[] Bytes)[] files =
        [
            ("empty", []),
            ("random bytes", noise),
            ("a PNG", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. noise]),
            ("the Arrow file format", [.. "ARROW1\0\0"u8, .. input]),
            ("CSV", Encoding.UTF8.GetBytes("step,loss\n1,0.5\n2,0.25\n")),
            ("a protocol stream", [.. "PLTP"u8, 2, 0, 0, 0, .. noise]),
            ("JSON lines", Encoding.UTF8.GetBytes("{\"x\": 1, \"y\": 2}\n")),
            ("0xFF bytes", Enumerable.Repeat((byte)0xFF, 1 + rng.Next(64)).ToArray()),
            ("an end-of-stream marker alone", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
            ("a marker and noise", [0xFF, 0xFF, 0xFF, 0xFF, .. noise]),
        ];
        var (what, bytes) = Pick(files);
        log.Add($"replaced by {what}");
        return bytes;
    }

    private static byte[] WithInt(byte[] input, int at, int value)
    {
        var output = (byte[])input.Clone();
        if (at >= 0 && at + 4 <= output.Length) BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(at), value);
        return output;
    }

    // The messages as far as they can be followed, leniently: mutations aim at them, and earlier damage may hide the rest.
    internal static List<MessageSpan> Scan(byte[] bytes)
    {
        var spans = new List<MessageSpan>();
        int at = 0;
        while (at + 8 <= bytes.Length && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)) == -1)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (length <= 0 || at + 8L + length > bytes.Length) break;
            byte type;
            long body;
            try
            {
                var message = FlatTable.Root(bytes.AsSpan(at + 8, length).ToArray(), length);
                type = message.Byte(1);
                body = message.Long(3);
            }
            catch (InvalidDataException)
            {
                break;
            }
            if (body < 0) break;
            spans.Add(new MessageSpan(at, at + 8, length, at + 8 + length, body, type));
            if (at + 8L + length + body > bytes.Length) break;
            at += 8 + length + (int)body;
        }
        return spans;
    }

    /// <summary>
    /// The recording read and written again by the viewer's own message writer, each batch's definitions passed
    /// through <paramref name="definitions"/> (batch index, its definitions or null); null when it does not read.
    /// </summary>
    public static byte[]? Reassemble(byte[] input, Func<int, string?, string?> definitions)
    {
        var messages = new ArrowMessageWriter();
        using var output = new MemoryStream();
        try
        {
            var reader = new RecordingReader(new MemoryStream(input));
            output.Write(messages.Schema([.. reader.SchemaMetadata]).Span);
            int sent = 0;
            for (int batch = 0; reader.Next(); batch++)
            {
                if (reader.Labels.Count > sent)
                {
                    var (header, body) = messages.DictionaryBatch([.. reader.Labels.Skip(sent)], delta: sent > 0);
                    output.Write(header.Span);
                    output.Write(body);
                    sent = reader.Labels.Count;
                }
                int rows = reader.Rows;
                output.Write(messages.RecordBatch(rows, definitions(batch, reader.DefinitionsChanged ? reader.Definitions : null), reader.FirstReceivedMicros, reader.LastReceivedMicros).Span);
                output.Write(MemoryMarshal.AsBytes(reader.Series));
                if ((rows & 1) != 0) output.Write(new byte[4]);
                output.Write(MemoryMarshal.AsBytes(reader.X));
                output.Write(MemoryMarshal.AsBytes(reader.Y));
            }
            output.Write(ArrowMessageWriter.EndOfStream.Span);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
