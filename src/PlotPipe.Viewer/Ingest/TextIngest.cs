using System.IO.Pipelines;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Reads text input (delimited numbers or JSON lines) from a pipe into the store, live: the lines of every read
/// reach the store before the next read waits. The end of the input finishes the stream.
/// </summary>
internal sealed class TextIngest
{
    private readonly PlotStore _store;
    private readonly Action<string> _report;
    private readonly TextOptions _options;
    private readonly string _source;
    private readonly IPointSink? _sink;

    /// <summary>
    /// Creates the ingest; <paramref name="report"/> receives one line for each problem with the input, which comes
    /// from <paramref name="source"/> ("stdin" or a file's path): the name and address of its producer. Points go
    /// to <paramref name="sink"/> (by default the store's series alone).
    /// </summary>
    public TextIngest(PlotStore store, TextOptions options, Action<string> report, string source = "stdin", IPointSink? sink = null)
    {
        _sink = sink;
        _store = store;
        _options = options;
        _report = report;
        _source = source;
    }

    /// <summary>Reads until the end of the input; never throws for bad input, which is skipped, counted and reported.</summary>
    public async Task RunAsync(PipeReader reader, CancellationToken cancel)
    {
        // Text has no Hello: its producer is named after where it comes from. An input, not a connection: never refused.
        var producer = _store.AddProducer(_source == "stdin" ? "stdin" : Path.GetFileName(_source), _source);
        var series = new TextSeries(_store, producer, _sink);
        var problems = new TextProblems(_store, _report, producer);
        var parser = new TextParser(_options, series, problems);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancel).ConfigureAwait(false);
                var buffer = result.Buffer;
                int defined = series.Count;
                parser.Consume(ref buffer, result.IsCompleted);
                if (series.Flush() || series.Count != defined) _store.Touch();
                if (result.IsCompleted)
                {
                    problems.Complete();
                    // Input that gave nothing to plot says why on the page too, not only on standard error.
                    _store.SetState(StreamState.Finished, problems.Ended, producer);
                    return;
                }
                // Everything up to the end was looked at: a partial line waits for more bytes.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            series.Flush();
            var message = $"input broke after line {parser.Lines}: {e.Message}; kept the {_store.TotalPoints} points received";
            _report(message);
            _store.SetState(StreamState.Disconnected, message, producer);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
