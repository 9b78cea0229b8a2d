using System.Diagnostics;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Plays a recording inside the viewer: the play head is a receive time, and the store holds exactly the batches
/// received up to it (a batch arrives whole at its first row's receive time), so the views, the counts and the status
/// show the run as it was at that moment. Playing moves the head at a speed (0.1× up to flat out); seeking forward
/// reads on, seeking back empties the series (<see cref="PlotStore.Rewind"/>) and reads the file again up to the head.
/// One lock orders every change: the play loop, a seek and a change of speed never interleave.
/// </summary>
internal sealed class RecordingPlayer : IAsyncDisposable
{
    /// <summary>The slowest speed the timeline plays at.</summary>
    public const double MinSpeed = 0.1;

    /// <summary>How often the play loop moves the head.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly string _path;
    private readonly PlotStore _store;
    private readonly IPointSink _sink;
    private readonly Action? _rewound;
    private readonly RecordingAppender _appender;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    // Receive time and rows of every batch, in file order, from one pass over the definitions.
    private readonly long[] _batchMicros;
    private readonly long[] _batchRows;
    private FileStream? _file;
    private RecordingReader? _reader;
    // Batches of the file applied to the store, and whether the reader holds the next one, read but not applied.
    private int _applied;
    private bool _pending;
    private long _headMicros;
    private bool _playing;
    private double _speed = 1;
    private Task? _loop;
    private string? _problem;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RecordingPlayer(string path, PlotStore store, IPointSink sink, long[] batchMicros, long[] batchRows, bool truncated,
        Action<IReadOnlyList<RecordedRule>>? rules, Action? rewound)
    {
        _path = path;
        _store = store;
        _sink = sink;
        _rewound = rewound;
        _appender = new RecordingAppender(store) { RulesDefined = rules };
        _batchMicros = batchMicros;
        _batchRows = batchRows;
        Truncated = truncated;
        foreach (long at in batchMicros)
        {
            if (at == 0) continue;
            if (StartMicros == 0 || at < StartMicros) StartMicros = at;
            if (at > EndMicros) EndMicros = at;
        }
    }

    /// <summary>
    /// Reads the whole recording at <paramref name="path"/> once, checking every batch and noting when each was
    /// received, and returns a player with its head at the start, the store still empty. Throws as
    /// <see cref="RecordingReader"/> does for a file that is not a recording or is damaged anywhere, so that such a
    /// file is opened the way <see cref="RecordingLoader"/> reports it instead. Points go through <paramref name="sink"/>
    /// as live input's do (the derived series' sink among them), the file's derived series rules to
    /// <paramref name="rules"/> as the head reaches them, and <paramref name="rewound"/> is called when seeking back has
    /// emptied the store, so whatever the sink computes from the points starts again with them.
    /// </summary>
    public static RecordingPlayer Open(string path, PlotStore store, IPointSink? sink = null, Action<IReadOnlyList<RecordedRule>>? rules = null, Action? rewound = null)
    {
        using var file = File.OpenRead(path);
        var reader = new RecordingReader(file);
        var micros = new List<long>();
        var rows = new List<long>();
        while (reader.Next())
        {
            micros.Add(reader.FirstReceivedMicros);
            rows.Add(reader.Rows);
        }
        var player = new RecordingPlayer(path, store, sink ?? StoreSink.Instance, [.. micros], [.. rows], reader.Truncated, rules, rewound);
        player._headMicros = player.StartMicros;
        return player;
    }

    /// <summary>When the first batch was received, microseconds since the Unix epoch (0: the file has no receive times).</summary>
    public long StartMicros { get; }

    /// <summary>When the last batch was received, as <see cref="StartMicros"/>.</summary>
    public long EndMicros { get; }

    /// <summary>Completes when the head first reaches the end (or the file can no longer be read).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Whether the file ends mid-batch (its writer was stopped).</summary>
    public bool Truncated { get; }

    /// <summary>The play head, seconds after <see cref="StartMicros"/>.</summary>
    public double HeadSeconds => (Volatile.Read(ref _headMicros) - StartMicros) / 1e6;

    /// <summary>The recording's length, seconds from its first batch's receive time to its last's.</summary>
    public double LengthSeconds => (EndMicros - StartMicros) / 1e6;

    /// <summary>
    /// Whether every batch arrived within a twentieth of a second (a file piped in at once): the page's timeline,
    /// which shows tenths, would read 0.0 s, and there is nothing to play.
    /// </summary>
    public bool ReceivedAtOnce => LengthSeconds < 0.05;

    /// <summary>Whether the head moves.</summary>
    public bool Playing => Volatile.Read(ref _playing);

    /// <summary>How many times faster than recorded it plays (<see cref="double.PositiveInfinity"/>: flat out).</summary>
    public double Speed => Volatile.Read(ref _speed);

    /// <summary>Points of the batches received up to <paramref name="seconds"/> after the start: what the store holds with the head there.</summary>
    public long PointsAt(double seconds)
    {
        long head = StartMicros + (long)Math.Round(seconds * 1e6);
        long n = 0;
        for (int i = 0; i < _batchMicros.Length; i++)
        {
            if (_batchMicros[i] <= head) n += _batchRows[i];
        }
        return n;
    }

    /// <summary>The timeline as the page shows it.</summary>
    public TimelineReport Report() => new(StartMicros / 1e6, LengthSeconds, HeadSeconds, Playing, double.IsPositiveInfinity(Speed) ? 0 : Speed,
        PointsAt(HeadSeconds), _batchRows.Sum(), Volatile.Read(ref _problem), ReceivedAtOnce);

    /// <summary>Moves the head to <paramref name="seconds"/> after the start (clamped to the recording) and fills the store up to it.</summary>
    public async Task SeekAsync(double seconds, CancellationToken cancel = default)
    {
        if (!double.IsFinite(seconds)) throw new ArgumentException($"cannot seek to {seconds}: give seconds from the start, 0 to {LengthSeconds}", nameof(seconds));
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            MoveTo(StartMicros + (long)Math.Round(Math.Clamp(seconds, 0, LengthSeconds) * 1e6));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the head moving at <see cref="Speed"/>; at the end, it plays again from the start.</summary>
    public async Task PlayAsync(CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_headMicros >= EndMicros) MoveTo(StartMicros);
            Volatile.Write(ref _playing, true);
            _loop ??= Task.Run(LoopAsync);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the head where it is.</summary>
    public void Pause() => Volatile.Write(ref _playing, false);

    /// <summary>Sets the speed: 0.1 or more times as fast as recorded, or <see cref="double.PositiveInfinity"/> for flat out.</summary>
    public void SetSpeed(double speed)
    {
        if (!(speed >= MinSpeed)) throw new ArgumentException($"speed {speed} is not a speed: give {MinSpeed} or more (2 is twice as fast), or max", nameof(speed));
        Volatile.Write(ref _speed, speed);
    }

    private async Task LoopAsync()
    {
        var clock = Stopwatch.StartNew();
        var last = clock.Elapsed;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Tick, _stop.Token).ConfigureAwait(false);
                var now = clock.Elapsed;
                double elapsed = (now - last).TotalSeconds;
                last = now;
                if (!Playing) continue;
                await _gate.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    // Flat out: the next batch at each step, so a page still sees the run grow.
                    long to = double.IsPositiveInfinity(Speed) ? NextBatchMicros() : _headMicros + (long)(elapsed * Speed * 1e6);
                    MoveTo(Math.Min(to, EndMicros));
                    if (_headMicros >= EndMicros) Volatile.Write(ref _playing, false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long NextBatchMicros()
    {
        for (int i = _applied; i < _batchMicros.Length; i++)
        {
            if (_batchMicros[i] > _headMicros) return _batchMicros[i];
        }
        return EndMicros;
    }

    // Under the gate.
    private void MoveTo(long micros)
    {
        try
        {
            if (micros < _headMicros || _reader is null)
            {
                // Back: the store again holds nothing of the recording, and the file is read from its start.
                _reader = null;
                _file?.Dispose();
                _file = null;
                _store.Rewind();
                _store.Events.Clear();
                _appender.Rewound();
                _rewound?.Invoke();
                _file = File.OpenRead(_path);
                _reader = new RecordingReader(_file);
                _applied = 0;
                _pending = false;
            }
            Volatile.Write(ref _headMicros, micros);
            while (true)
            {
                if (!_pending)
                {
                    if (!_reader.Next()) break;
                    _pending = true;
                }
                long at = _reader.FirstReceivedMicros;
                if (at != 0 && at > micros) break;
                _appender.Append(_reader.Current, _sink);
                _pending = false;
                _applied++;
            }
            bool end = micros >= EndMicros;
            if (end) _ended.TrySetResult();
            // Before its end, the recording's producers stream; at the end, they are finished, as the opened file is.
            foreach (var p in _appender.Producers) _store.SetState(end ? StreamState.Finished : StreamState.Streaming, producer: p);
            _store.SetState(end ? StreamState.Finished : StreamState.Streaming, end && Truncated ? RecordingLoader.TruncatedNote : null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The file changed or went away under the player: the store keeps what it holds, and the page says why.
            Volatile.Write(ref _problem, $"cannot read {Path.GetFileName(_path)} any more: {e.Message.ReplaceLineEndings(" ")}");
            Volatile.Write(ref _playing, false);
            _ended.TrySetResult();
        }
    }

    /// <summary>Stops playing and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is { } loop) await loop.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        _file?.Dispose();
        _file = null;
        _gate.Release();
    }
}

/// <summary>The body of <c>GET /api/timeline</c>: an opened or replayed recording's play head.</summary>
/// <param name="StartSeconds">When the recording's first batch was received, Unix seconds.</param>
/// <param name="LengthSeconds">Seconds from its first batch to its last.</param>
/// <param name="HeadSeconds">The play head, seconds after the start.</param>
/// <param name="Playing">Whether the head moves.</param>
/// <param name="Speed">Times as fast as recorded; 0 for flat out.</param>
/// <param name="Points">Points received up to the head: what the views show.</param>
/// <param name="TotalPoints">Points in the whole recording.</param>
/// <param name="Problem">Why the player stopped reading the file, or null.</param>
/// <param name="AtOnce">Whether the recording was received at once, with nothing to play (<see cref="RecordingPlayer.ReceivedAtOnce"/>).</param>
internal sealed record TimelineReport(double StartSeconds, double LengthSeconds, double HeadSeconds, bool Playing, double Speed, long Points, long TotalPoints, string? Problem, bool AtOnce);
