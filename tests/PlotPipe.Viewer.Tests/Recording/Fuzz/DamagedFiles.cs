using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace PlotPipe.Viewer.Tests.Recording.Fuzz;

/// <summary>
/// Named damage done to the fuzz's "plot" recording, each kind aimed at one of the reader's checks, for tests that
/// put a few damaged files through the real processes. Each comes with words its refusal must contain.
/// </summary>
internal static class DamagedFiles
{
    /// <summary>The damaged files: a name, the bytes, and what the refusal must say.</summary>
    public static async Task<IReadOnlyList<(string Name, byte[] Bytes, string Says)>> AllAsync()
    {
        var plot = (await FuzzSeeds.AllAsync()).First(s => s.Name == "plot").Bytes;
        var messages = RecordingMutator.Scan(plot);
        var batches = messages.FindAll(m => m.Type == 3);
        var names = messages.Find(m => m.Type == 2)!;
        var last = batches[^1];
        return
        [
            ("index-out-of-dictionary", WithInt(plot, last.BodyStart, 1000), "series index 1000 is not in the dictionary of"),
            ("cut-in-schema", plot[..(messages[0].MetaStart + messages[0].MetaLength / 2)], "inside its first message"),
            ("second-schema", [.. plot[..last.Start], .. plot[..messages[1].Start], .. plot[last.Start..]], "a second schema"),
            ("rows-lie", LieAbout(plot, batches[2], rows => rows, rows => rows + 1), "rows, but its"),
            ("column-outside-body", LieAbout(plot, batches[3], rows => rows * 8, length => length * 100), "outside its body"),
            ("names-offset", WithInt(plot, names.BodyStart + 4, -7), "its name 0 runs from byte"),
            ("metadata-offset", WithInt(plot, batches[1].MetaStart, 0x7FFF_0000), "its metadata is damaged"),
            ("definitions-wrong-kind", Definitions(plot, json => json["series"]![0]!["id"] = "zero"), "at $.series[0].id"),
            ("definitions-cut", RecordingMutator.Reassemble(plot, (_, d) => d is null ? null : d[..(d.Length / 2)])!, "do not read as a recording's JSON"),
            ("definitions-impossible", Definitions(plot, json => json["series"]![1]!["panel"] = 64), "series[1] is in panel 64"),
        ];
    }

    /// <summary>The plot recording with its definitions changed by <paramref name="change"/> on every batch that carries them.</summary>
    public static async Task<byte[]> WithDefinitionsAsync(Action<JsonObject> change) =>
        Definitions((await FuzzSeeds.AllAsync()).First(s => s.Name == "plot").Bytes, change);

    /// <summary>The plot recording with the series index of the first row of its last batch set to <paramref name="index"/>.</summary>
    public static async Task<byte[]> WithSeriesIndexInLastBatchAsync(int index)
    {
        var plot = (await FuzzSeeds.AllAsync()).First(s => s.Name == "plot").Bytes;
        return WithInt(plot, RecordingMutator.Scan(plot).FindLast(m => m.Type == 3)!.BodyStart, index);
    }

    private static byte[] Definitions(byte[] recording, Action<JsonObject> change) =>
        RecordingMutator.Reassemble(recording, (_, definitions) =>
        {
            if (definitions is null) return null;
            var json = JsonNode.Parse(definitions)!.AsObject();
            change(json);
            return json.ToJsonString();
        })!;

    // The first 64-bit word of the batch's metadata that holds what <paramref name="count"/> makes of its row count
    // (the count itself, a column's length in bytes), changed by <paramref name="lie"/>.
    private static byte[] LieAbout(byte[] recording, RecordingMutator.MessageSpan batch, Func<long, long> count, Func<long, long> lie)
    {
        var output = (byte[])recording.Clone();
        var meta = output.AsSpan(batch.MetaStart, batch.MetaLength);
        // The body holds 4 + 2 × 8 bytes a row, and 4 bytes of padding after an odd number of indices.
        long rows = batch.BodyLength / 20;
        for (int at = 0; at + 8 <= meta.Length; at += 4)
        {
            long value = BinaryPrimitives.ReadInt64LittleEndian(meta[at..]);
            if (value == count(rows))
            {
                BinaryPrimitives.WriteInt64LittleEndian(meta[at..], lie(value));
                return output;
            }
        }
        throw new InvalidOperationException("the count was not found in the batch's metadata");
    }

    private static byte[] WithInt(byte[] input, int at, int value)
    {
        var output = (byte[])input.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(at), value);
        return output;
    }
}
