using System.Buffers;
using System.IO.Pipelines;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Reads any input into the store: a stream that starts with the protocol's magic ("PLTP") as frames, anything
/// else as text lines, except input with a zero byte before its first line feed (within the handshake's 8 bytes):
/// no text line holds one and every handshake does, so that is a producer's broken handshake, read as frames to be
/// refused at the byte where it leaves the magic. Decided on the first bytes, as soon as a line feed, a zero byte
/// or 8 bytes are in, so a short first line of text is not held back.
/// </summary>
internal static class InputIngest
{
    /// <summary>
    /// Reads <paramref name="reader"/> to its end with the ingest its first bytes call for; <paramref name="source"/>
    /// ("stdin" or the file's path) is where its producer comes from in <c>/api/producers</c>; points go to
    /// <paramref name="sink"/> (by default the store's series alone).
    /// </summary>
    public static async Task RunAsync(PipeReader reader, PlotStore store, TextOptions text, Action<string> report, CancellationToken cancel, string source = "stdin", IPointSink? sink = null)
    {
        bool binary;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancel).ConfigureAwait(false);
                var decided = Decide(result.Buffer, result.IsCompleted);
                if (decided is { } isBinary)
                {
                    if (isBinary && Utf16Text(result.Buffer))
                    {
                        // Windows PowerShell's ">" and Excel's "Unicode text" write UTF-16: said as text, not as a broken handshake.
                        await reader.CompleteAsync().ConfigureAwait(false);
                        const string message = "the input is UTF-16 text (it starts with a UTF-16 byte order mark), and text is read as UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)";
                        report(message);
                        store.SetState(StreamState.Disconnected, message);
                        return;
                    }
                    binary = isBinary;
                    // Nothing consumed or examined: the chosen ingest reads the same bytes at once.
                    reader.AdvanceTo(result.Buffer.Start);
                    break;
                }
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            return;
        }
        catch (IOException e)
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            var message = $"input broke before its first bytes: {e.Message}";
            report(message);
            store.SetState(StreamState.Disconnected, message);
            return;
        }
        if (binary && text.GivenOptions is { } given)
            report($"{given} for text input and passed over: {source} is a producer's PlotPipe frames, and the producer defines its plot");
        if (binary) await new FrameIngest(store, report, source: source, sink: sink).RunAsync(reader, cancel).ConfigureAwait(false);
        else await new TextIngest(store, text, report, source, sink).RunAsync(reader, cancel).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="start"/> opens with a UTF-16 byte order mark and a character whose other byte is zero: UTF-16 text, which no handshake starts as.</summary>
    public static bool Utf16Text(in ReadOnlySequence<byte> start)
    {
        Span<byte> head = stackalloc byte[4];
        if (start.Length < 4) return false;
        start.Slice(0, 4).CopyTo(head);
        return (head[0] == 0xFF && head[1] == 0xFE && head[3] == 0) || (head[0] == 0xFE && head[1] == 0xFF && head[2] == 0);
    }

    /// <summary>True for the protocol, false for text, null while the bytes so far cannot tell.</summary>
    public static bool? Decide(in ReadOnlySequence<byte> start, bool isCompleted)
    {
        Span<byte> head = stackalloc byte[ProtocolLimits.HandshakeBytes];
        int n = (int)Math.Min(start.Length, head.Length);
        start.Slice(0, n).CopyTo(head);
        head = head[..n];
        if (head.StartsWith(ProtocolLimits.Magic)) return true;
        // A handshake always holds a zero byte (its version's high byte, its reserved bytes), a text line never does:
        // "PLTX" and a version is a producer's broken magic, while a header line "PLT,WBC" (platelets) stays text.
        int lineFeed = head.IndexOf((byte)'\n');
        int zero = head.IndexOf((byte)0);
        if (zero >= 0 && (lineFeed < 0 || zero < lineFeed)) return true;
        if (lineFeed >= 0 || n == ProtocolLimits.HandshakeBytes) return false;
        // Fewer than 8 bytes and no line feed yet ("P", "PL", "PLT", "12"): only more bytes or the end of input say.
        return isCompleted ? false : null;
    }
}
