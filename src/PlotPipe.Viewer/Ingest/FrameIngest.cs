using System.Buffers;
using System.IO.Pipelines;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>Reads one producer's frames from a pipe into the store until the stream finishes, ends or breaks the protocol.</summary>
internal sealed class FrameIngest
{
    private readonly PlotStore _store;
    private readonly IPointSink _sink;
    private readonly Action<string> _report;
    // This input's producer, once its Hello (or, in version 1, its first frame) arrived, or given by the listener.
    private ProducerStore? _producer;

    /// <summary>
    /// Creates the ingest; <paramref name="report"/> receives one line for each problem with the input. A listener
    /// passes the <paramref name="producer"/> it registered from the connection's Hello. Points go to
    /// <paramref name="sink"/> (by default the store's series alone; with a recording, both).
    /// </summary>
    public FrameIngest(PlotStore store, Action<string> report, ProducerStore? producer = null, string source = "stdin", IPointSink? sink = null)
    {
        _store = store;
        _sink = sink ?? StoreSink.Instance;
        _report = report;
        _producer = producer;
        _source = source;
    }

    // Where a producer this ingest registers itself comes from: "stdin" or a file's path.
    private readonly string _source;

    /// <summary>Reads until the end of the stream; never throws for bad input, which is reported and ends the stream.</summary>
    public Task RunAsync(PipeReader reader, CancellationToken cancel) => RunAsync(reader, new FrameDecoder(), cancel);

    /// <summary>Reads on with a <paramref name="decoder"/> that has already read the stream's start (a listener's Hello).</summary>
    public async Task RunAsync(PipeReader reader, FrameDecoder decoder, CancellationToken cancel)
    {
        // A panel id means the same panel whoever defines it: a series may name one another producer defined.
        decoder.PanelDefinedElsewhere ??= _store.Plot.Has;
        bool finished = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancel).ConfigureAwait(false);
                var buffer = result.Buffer;
                // A recording whose queue is full holds this producer back here, off the thread (16 bytes a point at
                // most), not inside the frames' hand-over, so producers waiting on a slow disk leave threads to the page.
                var room = _sink.WaitForRoomAsync(buffer.Length / 16, cancel);
                if (!room.IsCompletedSuccessfully) await room.ConfigureAwait(false);
                try
                {
                    finished |= Consume(decoder, ref buffer);
                }
                catch (ProtocolException e)
                {
                    Fail($"bad input at {e.Message}; kept the {Kept} points received before it");
                    return;
                }
                // A connection ends with its Finish: the listener closes it then, so the producer's wait for the
                // viewer to have everything ends at once (stdin reads on, to refuse bytes after Finish).
                if (finished && _producer is not null && _producer.Address != _source)
                {
                    if (!buffer.IsEmpty) Fail($"frame after Finish at byte {decoder.Offset}: the stream was complete, so nothing may follow it");
                    return;
                }
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                        Fail($"producer stopped at {decoder.Truncated(buffer).Message}; kept the {Kept} points received before it");
                    else if (!finished)
                        Fail($"producer disconnected without finishing after {decoder.Offset} bytes; kept the {Kept} points received");
                    return;
                }
                // Everything up to the end was looked at, so the next read waits for more bytes.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            Fail($"producer's stream broke: {e.Message}; kept the {Kept} points received");
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Applies every whole frame in the buffer; returns whether a finish frame was among them.</summary>
    public bool Consume(FrameDecoder decoder, ref ReadOnlySequence<byte> buffer)
    {
        bool finished = false;
        bool changed = false;
        while (decoder.TryReadFrame(ref buffer, out var frame))
        {
            changed = true;
            // Version 1 has no Hello: its producer is named by the viewer when its first frame arrives.
            if (_producer is null && frame.Type != FrameType.Hello) _producer = AddProducer(null);
            switch (frame.Type)
            {
                case FrameType.Hello:
                    _producer ??= AddProducer(frame.ReadHello().Name);
                    break;
                case FrameType.DefinePlot:
                    _store.Plot.DefinePlot(frame.ReadProperties());
                    break;
                case FrameType.DefinePanel:
                    _store.Plot.DefinePanel(frame.PanelId, frame.ReadProperties());
                    break;
                case FrameType.DefineSeries:
                    _store.Define(frame.ReadDefinition(), _producer);
                    break;
                case FrameType.Points:
                    _sink.Append(Series(frame), frame);
                    break;
                case FrameType.Dropped:
                    Series(frame).SetProducerDropped(frame.DroppedTotal);
                    break;
                case FrameType.Event:
                    _store.Events.Add(frame.ReadEvent(), _producer!.Name);
                    break;
                case FrameType.Finish:
                    finished = true;
                    _store.SetState(StreamState.Finished, producer: _producer);
                    break;
            }
        }
        if (changed) _store.Touch();
        return finished;
    }

    // Standard input (or a file) is read to its end, not a connection: the cap on connected producers does not apply.
    private ProducerStore AddProducer(string? name) => _store.AddProducer(name, _source);

    // The points this input's producer keeps (with many producers, the store's total would be everyone's).
    private long Kept => _producer?.Points ?? _store.TotalPoints;

    private SeriesStore Series(in Frame frame) =>
        _producer!.Find(frame.SeriesId)
        ?? throw new ProtocolException(frame.Offset + 6, $"{frame.Type} frame for series {frame.SeriesId}, which no DefineSeries frame has named");

    private void Fail(string message)
    {
        // With many producers a line must say whose input it was.
        if (_producer is { } p && p.Address != _source) message = $"producer \"{p.Name}\" ({p.Address}): {message}";
        _report(message);
        _store.SetState(StreamState.Disconnected, message, _producer);
    }
}
