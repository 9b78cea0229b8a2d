using System.IO.Pipelines;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Reads an input stream (standard input, a file) on a thread of its own, with blocking reads, into a pipe whose
/// reader continues on that same thread: ingest runs where the bytes arrive. Read through the thread pool instead,
/// each read was a work item and each line of a slow producer (a board printing a JSON line a millisecond) woke a
/// pool thread that then spun for more work: a sixth of a core for a thousand lines a second.
/// </summary>
internal static class InputPump
{
    /// <summary>Bytes read at a time, at most.</summary>
    public const int ReadBytes = 1 << 20;

    /// <summary>The reader of <paramref name="input"/>'s bytes; the stream is closed when the reader completes (and its next read returns) or the input ends.</summary>
    public static PipeReader Start(Stream input)
    {
        var pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 4L * ReadBytes,
            resumeWriterThreshold: 2L * ReadBytes,
            minimumSegmentSize: ReadBytes,
            useSynchronizationContext: false));
        var thread = new Thread(() => Pump(input, pipe.Writer)) { IsBackground = true, Name = "plotpipe input" };
        thread.Start();
        return pipe.Reader;
    }

    private static void Pump(Stream input, PipeWriter writer)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReadBytes);
                int read = input.Read(memory.Span);
                if (read == 0) break;
                writer.Advance(read);
                // Ingest continues inside this call; it returns once ingest waits for more (or, when ingest waits on
                // something else, once the pipe holds less than the pause threshold).
                var flush = writer.FlushAsync();
                if ((flush.IsCompletedSuccessfully ? flush.Result : flush.AsTask().GetAwaiter().GetResult()).IsCompleted) break;
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            // Said by ingest, where the read would have thrown (a broken input).
            writer.Complete(e);
        }
        finally
        {
            input.Dispose();
        }
    }
}
