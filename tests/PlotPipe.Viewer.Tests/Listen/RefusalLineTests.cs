using System.Text.RegularExpressions;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>
/// The lines a refused producer reads on its socket are the ones docs/protocol.md lists, word for word, and each
/// one about its bytes names a byte.
/// </summary>
public sealed partial class RefusalLineTests
{
    [Fact]
    public async Task A_connection_cut_inside_its_handshake_or_Hello_is_refused_naming_the_byte()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var hello = Bytes(w => FrameWriter.WriteHello(w, "cut", viewer.Token));
        Assert.Equal("plotpipe: refused: the connection ended before its Hello, at byte 0: stream ended inside the handshake after 5 of 8 bytes\n",
            await SayAsync(viewer, "PLTP\u0002"u8.ToArray()));
        Assert.Equal("plotpipe: refused: the connection ended before its Hello, at byte 8\n",
            await SayAsync(viewer, Bytes(w => FrameWriter.WriteHandshake(w))));
        Assert.Equal($"plotpipe: refused: the connection ended before its Hello, at byte 8: stream ended inside a frame: 4 of {hello.Length - 8} payload bytes arrived\n",
            await SayAsync(viewer, [.. Bytes(w => FrameWriter.WriteHandshake(w)), .. hello[..12]]));
        Assert.Equal(3, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
        Assert.Empty((await viewer.GetAsync("api/producers")).EnumerateArray());
    }

    [Fact]
    public async Task Every_refusal_line_a_producer_reads_is_one_the_protocol_document_lists()
    {
        var documented = DocumentedRefusals();
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        var handshake = Bytes(w => FrameWriter.WriteHandshake(w));
        var said = new List<string>
        {
            await SayAsync(viewer, Bytes(w => { FrameWriter.WriteHandshake(w); FrameWriter.WriteHello(w, "p", "not-the-token-at-all-0123"); })),
            await SayAsync(viewer, Bytes(w => { FrameWriter.WriteHandshake(w); FrameWriter.WriteHello(w, "p", ""); })),
            await SayAsync(viewer, Bytes(w => { FrameWriter.WriteHandshake(w, version: 1); FrameWriter.WriteFinish(w); })),
            await SayAsync(viewer, [.. handshake, 8, 0, 0, 0, 9, 0, 0, 0]),
            await SayAsync(viewer, "PLTP\u0002"u8.ToArray()),
            await SayAsync(viewer, handshake),
            await SayAsync(viewer, []),
        };
        foreach (var line in said)
            Assert.True(documented.Any(d => d.IsMatch(line.TrimEnd('\n'))), $"\"{line.TrimEnd('\n')}\" is not among the refusals docs/protocol.md lists");
        // These take a timeout or 256 connections to provoke: the listener's tests check them word for word against the
        // viewer (ListenerLimitsTests, ProducerLifeTests); here, that the document says the same words.
        foreach (var line in new[]
        {
            "plotpipe: refused: no handshake and Hello within 10 s",
            "plotpipe: refused: too many producers (at most 256 at once)",
            "plotpipe: refused: too many connections waiting for their Hello (at most 256)",
        })
            Assert.Contains(documented, d => d.IsMatch(line));

        // A refused connection is no arrival: the first producer accepted after them, with no name, is "producer 1".
        using var nameless = await TcpProducer.HelloAsync(viewer.ProducerPort, "", viewer.Token);
        await nameless.SendAsync(FrameWriter.WriteFinish);
        Assert.Equal(TcpProducer.Accepted, await nameless.ReadToEndAsync());
        Assert.Equal("producer 1", (await viewer.GetAsync("api/producers")).EnumerateArray().Single().GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_producer_refused_while_it_is_still_sending_reads_its_line_and_is_not_reset()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var producer = await TcpProducer.ConnectAsync(viewer.ProducerPort);
        // Far more than the viewer reads before it refuses at byte 0: left unread, the close would reset the
        // connection, and the producer would read an error where its line should be.
        var garbage = new byte[4 << 20];
        Array.Fill(garbage, (byte)'x');
        var sending = producer.SendRawAsync(garbage);
        var said = await producer.ReadToEndAsync();
        await sending;
        Assert.Equal("plotpipe: refused: bad input at byte 0: not a PlotPipe stream: expected magic \"PLTP\", found byte 0x78\n", said);
        Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
    }

    // The refusal lines listed under "Over TCP" in the document; N stands for a number and "…" for any text.
    private static List<Regex> DocumentedRefusals()
    {
        var doc = File.ReadAllText(Path.Combine(BrowserFeed.RepoDir(), "docs", "protocol.md"));
        var lines = new List<Regex>();
        foreach (Match m in RefusalLine().Matches(doc))
        {
            var pattern = Regex.Replace(Regex.Escape(m.Groups[1].Value.TrimEnd()), @"\bN\b", @"\d+").Replace("…", ".+", StringComparison.Ordinal);
            lines.Add(new Regex("^" + pattern + "$"));
        }
        Assert.True(lines.Count >= 8, $"docs/protocol.md lists {lines.Count} refusal lines");
        return lines;
    }

    [GeneratedRegex(@"^ {4,}(plotpipe: refused: .+)$", RegexOptions.Multiline)]
    private static partial Regex RefusalLine();

    private static byte[] Bytes(Action<System.Buffers.ArrayBufferWriter<byte>> write)
    {
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        write(w);
        return w.WrittenSpan.ToArray();
    }

    // Connects, sends the bytes, ends sending, and reads what the viewer answers until it closes.
    private static async Task<string> SayAsync(CommandLineViewer viewer, byte[] bytes)
    {
        using var producer = await TcpProducer.ConnectAsync(viewer.ProducerPort);
        await producer.SendRawAsync(bytes);
        producer.EndSending();
        return await producer.ReadToEndAsync();
    }
}
