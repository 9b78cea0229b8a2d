using System.Diagnostics;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Opens a recording as a finished plot: its producers, series and plot definition as recorded, then every point,
/// appended run by run (a batch holds long runs of one series), so loading costs little more than reading the file.
/// </summary>
internal static class RecordingLoader
{
    /// <summary>
    /// Opens <paramref name="input"/> (named <paramref name="name"/>) into <paramref name="store"/> as <c>plotpipe view
    /// run.arrow</c> does and returns the line to report. A file that cannot be read leaves the store and every
    /// producer the file defined disconnected, with the reason as the error, keeping the points read before it.
    /// </summary>
    public static string Open(string name, Stream input, PlotStore store, IPointSink? sink = null, Action<IReadOnlyList<RecordedRule>>? rules = null)
    {
        string why;
        try
        {
            var (points, elapsed, _) = Load(input, store, sink: sink, rules: rules);
            return $"opened {name}: {points} points in {elapsed.TotalSeconds:0.000} s ({points / Math.Max(elapsed.TotalSeconds, 1e-9) / 1e6:0.0} M points/s)";
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            why = CannotOpen(name, e);
        }
        catch (Exception e)
        {
            // A reader bug must still not take the viewer down, nor quote the runtime at the user.
            why = $"cannot open {name} as a recording: reading it failed unexpectedly ({e.GetType().Name}); please report this with the file";
        }
        foreach (var p in store.ProducerStates)
        {
            if (p.State == StreamState.Streaming) store.SetState(StreamState.Disconnected, why, p);
        }
        store.SetState(StreamState.Disconnected, why);
        return why;
    }

    /// <summary>The line that says why <paramref name="name"/> cannot be opened as a recording: the reader's words for <paramref name="e"/>, on one line.</summary>
    public static string CannotOpen(string name, Exception e) => $"cannot open {name} as a recording: {e.Message.ReplaceLineEndings(" ")}";

    /// <summary>
    /// Loads <paramref name="input"/> into <paramref name="store"/>, only points with <paramref name="from"/> ≤ x ≤
    /// <paramref name="to"/>; returns the points loaded and how long it took. Throws <see cref="InvalidDataException"/>
    /// (what is wrong and where, in plain words) for a file that is not a readable recording, or <see cref="IOException"/>.
    /// Points go to <paramref name="sink"/> (by default the store's series alone; with <c>--record</c>, a new recording too);
    /// the derived series rules the file holds go to <paramref name="rules"/> as they are read (<see cref="RecordingAppender.RulesDefined"/>).
    /// </summary>
    public static (long Points, TimeSpan Elapsed, bool Truncated) Load(Stream input, PlotStore store, double from = double.NegativeInfinity, double to = double.PositiveInfinity, IPointSink? sink = null,
        Action<IReadOnlyList<RecordedRule>>? rules = null)
    {
        sink ??= StoreSink.Instance;
        long start = Stopwatch.GetTimestamp();
        var reader = new RecordingReader(input);
        var appender = new RecordingAppender(store) { From = from, To = to, RulesDefined = rules };
        long points = 0;
        // Reading the next batch from the file overlaps appending this one to the store (two copies, two cores).
        var next = Task.Run(reader.Next);
        while (next.GetAwaiter().GetResult())
        {
            var batch = reader.Current;
            next = Task.Run(reader.Next);
            points += appender.Append(batch, sink);
        }
        foreach (var p in store.ProducerStates) store.SetState(StreamState.Finished, producer: p);
        store.SetState(StreamState.Finished, reader.Truncated ? TruncatedNote : null);
        return (points, Stopwatch.GetElapsedTime(start), reader.Truncated);
    }

    /// <summary>The plot's note for a recording whose writer was stopped mid-batch.</summary>
    public const string TruncatedNote = "the recording ends mid-batch (its writer was stopped): opened up to its last whole batch";
}
