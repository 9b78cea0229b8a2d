using System.Buffers;
using System.IO.Pipelines;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Reads any input into the store: a stream that starts with the protocol's magic ("PLTP") as frames, anything
/// else as text lines. Decided on the first bytes, as soon as they differ from the magic, so a short first line
/// of text is not held back waiting for four bytes.
/// </summary>
internal static class InputIngest
{
    /// <summary>
    /// Reads <paramref name="reader"/> to its end with the ingest its first bytes call for; <paramref name="source"/>
    /// ("stdin" or the file's path) is where its producer comes from in <c>/api/producers</c>.
    /// </summary>
    public static async Task RunAsync(PipeReader reader, PlotStore store, TextOptions text, Action<string> report, CancellationToken cancel, string source = "stdin")
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
        if (binary) await new FrameIngest(store, report, source: source).RunAsync(reader, cancel).ConfigureAwait(false);
        else await new TextIngest(store, text, report, source).RunAsync(reader, cancel).ConfigureAwait(false);
    }

    /// <summary>True for the protocol, false for text, null while the bytes so far are a prefix of the magic.</summary>
    public static bool? Decide(in ReadOnlySequence<byte> start, bool isCompleted)
    {
        var magic = ProtocolLimits.Magic;
        Span<byte> head = stackalloc byte[4];
        int n = (int)Math.Min(start.Length, magic.Length);
        start.Slice(0, n).CopyTo(head);
        if (!magic.StartsWith(head[..n])) return false;
        if (n == magic.Length) return true;
        // "P", "PL" or "PLT" and nothing more yet: a text line may start so too, but only the end of input says so.
        return isCompleted ? false : null;
    }
}
