using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Writes every point the viewer receives to an Arrow IPC stream (<c>--record</c>), losslessly whatever the store
/// keeps: a sink beside the store (<see cref="IPointSink"/>, composed with it in Hosting), which reads the store only
/// for the series' and the plot's definitions. Ingest copies each frame's columns into a preallocated block under a lock (no allocation); full blocks go
/// through a preallocated queue to a writer task, which writes each as one record batch in one write call, so a
/// viewer killed at any moment leaves a file readable up to its last whole batch. A partly filled block is written after
/// <see cref="FlushInterval"/>. The queue is bounded by <see cref="MaxBlocks"/>: when it is full (the disk slower than
/// ingest just then), ingest waits for the writer (before its next read, off its thread: <see cref="WaitForRoomAsync"/>),
/// so a slow disk slows the stream and loses nothing; only a writer
/// that writes nothing for <see cref="StallTimeout"/> (a disk or a pipe's reader that hangs) has points left out and
/// counted (<see cref="Lost"/>), so a recording holds ingest back for at most that long at a time. A write
/// error stops the recording alone, with its reason in <see cref="Error"/>. Every point handed to it ends as written
/// or as lost, exactly once: <see cref="Received"/> = <see cref="Points"/> + <see cref="Lost"/> once the queue is
/// empty (at once when the recording stops, within <see cref="FlushInterval"/> of the last point otherwise).
/// </summary>
internal sealed class Recorder : IPointSink, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly SafeFileHandle _file;
    // The same file opened to write past the page cache (Linux), or null: full blocks go through it.
    private SafeFileHandle? _direct;
    private long _directBatches;
    private readonly double _slowDiskBytesPerSecond;
    private volatile bool _directGivenUp;
    private readonly PlotStore _store;
    private readonly Action<string> _report;
    // Blocks handed to the writer, oldest first, under the gate. There are never more than MaxBlocks blocks, so this
    // queue, made that large at the start, never grows: handing a block over allocates nothing.
    private readonly Queue<RecordBlock> _ready;
    // Wakes the writer when a block is handed over or the recording ends; released only while the writer waits.
    private readonly SemaphoreSlim _wake = new(0);
    private bool _writerWaits;
    private readonly Stack<RecordBlock> _free = new();
    private readonly int _blockRows;
    private int _blocks;
    private RecordBlock? _current;
    // The block the writer is writing, until its rows are counted as written (or, by Stop, as lost).
    private RecordBlock? _writing;
    private readonly Dictionary<SeriesStore, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly List<SeriesStore> _entries = [];
    private readonly HashSet<string> _labels = [];
    private readonly List<string> _entryLabels = [];
    // The derived series rules in force, as definitions: replaced whole, and only ever longer, so their count tells the
    // writer a batch must carry them.
    private IReadOnlyList<RecordedRule> _rules = [];
    private volatile bool _stopped;
    private bool _closing;
    private long _received;
    private long _lost;
    private long _points;
    private long _bytes;
    private string? _error;
    private readonly Task _writer;
    // Under the gate: ingest threads waiting in Current for a free block, the writes the writer has finished, and
    // that count when ingest last gave up waiting (-1: never).
    private int _ingestWaits;
    private long _writes;
    private long _givenUpAt = -1;
    // Under the gate: completed when a block is freed or the recording closes or stops, for the ingests awaiting room
    // off their threads (WaitForRoomAsync); made only while one does.
    private TaskCompletionSource? _roomFreed;

    private Recorder(string path, SafeFileHandle file, SafeFileHandle? direct, PlotStore store, Action<string> report, int blockRows, int maxBlocks, IReadOnlyList<RecordedRule>? rules,
        TimeSpan? stallTimeout, double slowDiskBytesPerSecond)
    {
        _slowDiskBytesPerSecond = slowDiskBytesPerSecond;
        StallTimeout = stallTimeout ?? TimeSpan.FromSeconds(1);
        if (rules is not null) _rules = [.. rules];
        Path = path;
        _file = file;
        _direct = direct;
        _store = store;
        _report = report;
        _blockRows = blockRows;
        MaxBlocks = maxBlocks;
        _ready = new Queue<RecordBlock>(maxBlocks);
        // A thread of its own, waiting on the semaphore: on two cores, an async writer's hop through the thread pool
        // for each batch woke a pool thread that then spun for work, taking CPU from ingest.
        _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Creates (or truncates) <paramref name="path"/> and starts recording the points handed to it, with the series and
    /// plot definitions of <paramref name="store"/> and the derived series <paramref name="rules"/> given at start
    /// (<see cref="DefineRules"/>); throws <see cref="IOException"/> saying why when the file cannot be opened at once
    /// (<see cref="RecordTarget"/>). Full batches are written past the page cache where the file system allows it
    /// (<paramref name="direct"/>; <see cref="RecordTarget.OpenDirect"/>) and the disk takes them at least as fast as
    /// <paramref name="slowDiskBytesPerSecond"/> (<see cref="SlowDiskBytesPerSecond"/> unless given; see
    /// <see cref="DirectGivenUp"/>). A writer that writes nothing for <paramref name="stallTimeout"/> (1 s unless given)
    /// is given up on (<see cref="StallTimeout"/>).
    /// </summary>
    public static Recorder Start(string path, PlotStore store, Action<string> report, int blockRows = RecordingFormat.BatchRows, int maxBlocks = 0,
        IReadOnlyList<RecordedRule>? rules = null, bool direct = true, TimeSpan? stallTimeout = null, double slowDiskBytesPerSecond = SlowDiskBytesPerSecond)
    {
        if (maxBlocks <= 0) maxBlocks = QueueBlocksFor(store.MaxMemoryBytes, blockRows);
        var file = RecordTarget.Open(path);
        return new Recorder(path, file, direct ? RecordTarget.OpenDirect(path, file) : null, store, report, blockRows, maxBlocks, rules, stallTimeout,
            slowDiskBytesPerSecond);
    }

    /// <summary>
    /// The rate, in bytes a second, under which direct writes (the median of <see cref="DirectWindow"/> in a row) give
    /// way to the page cache for the rest of the recording: about what copying into the page cache costs a core
    /// (0.69 GB/s measured on a 2-core machine's ext4). A disk that takes direct writes slower than that (383 MB/s on
    /// another machine of the same kind) holds every batch up for longer than the copy would, where the page cache takes
    /// a burst at once and writes it out behind.
    /// </summary>
    public const double SlowDiskBytesPerSecond = 700e6;

    /// <summary>Direct writes whose median rate is weighed against <see cref="SlowDiskBytesPerSecond"/>, the writes in a row.</summary>
    public const int DirectWindow = 16;

    /// <summary>
    /// Blocks the queue may hold (blocks are made only as the writer falls behind): a sixteenth of the viewer's
    /// memory budget, from 8 to 96 batches (96 with no budget). At 65,536 rows of 20 bytes, 96 batches are 126 MB,
    /// 6.3 million points: what a writer starved of the CPU falls behind by in a fifth of a second at 30 M points/s,
    /// before ingest has to wait for it.
    /// </summary>
    public static int QueueBlocksFor(long maxMemoryBytes, int blockRows = RecordingFormat.BatchRows)
    {
        const int fewest = 8, most = 96;
        if (maxMemoryBytes <= 0) return most;
        long blockBytes = ArrowMessageWriter.BatchBodyLength(blockRows);
        return (int)Math.Clamp(maxMemoryBytes / 16 / blockBytes, fewest, most);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Blocks in the queue at most (with the one being filled): the memory the recording may hold back.</summary>
    public int MaxBlocks { get; }

    /// <summary>How long a partly filled batch waits before it is written.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long ingest, with the queue full, and closing wait on a writer that writes nothing (a disk or a pipe's reader
    /// that hangs) before they give up, counting what was not written as lost: a viewer goes on, and stops, without
    /// hanging on its recording.
    /// </summary>
    public TimeSpan StallTimeout { get; }

    /// <summary>Points handed to the recording: each is written (<see cref="Points"/>), lost (<see cref="Lost"/>), or still queued.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Points written to the file.</summary>
    public long Points => Interlocked.Read(ref _points);

    /// <summary>Batches written past the page cache.</summary>
    public long DirectBatches => Interlocked.Read(ref _directBatches);

    /// <summary>Whether direct writes were given up for the page cache because the disk took them too slowly (<see cref="SlowDiskBytesPerSecond"/>).</summary>
    public bool DirectGivenUp => _directGivenUp;

    /// <summary>Bytes written to the file.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Points left out because the queue was full while nothing could be written for <see cref="StallTimeout"/>, or not written because the recording stopped.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Why the recording stopped, or null while it runs.</summary>
    public string? Error => Volatile.Read(ref _error);

    /// <summary>Whether it still writes.</summary>
    public bool Active => !_stopped;

    // Why points were left out while the recording ran.
    private string Stalled => $"nothing could be written for {StallTimeout.TotalSeconds:0.#} s at a time";

    /// <summary>What the status says about the recording: an error, points lost to a slow disk, or null when all is well.</summary>
    public string? Problem
    {
        get
        {
            if (Error is { } error) return error;
            long lost = Lost;
            return lost > 0 ? $"recording {Path}: {Stalled}, {lost} points were not recorded (the display has them)" : null;
        }
    }

    /// <summary>
    /// Sets the derived series rules in force (<c>--derive</c>, then those added from the page), which the recording
    /// keeps as definitions from its next batch on, never as points; a batch of no rows carries them when no points
    /// follow. Rules are only ever added: a list shorter than the one held (a call that lost a race) changes nothing.
    /// </summary>
    public void DefineRules(IReadOnlyList<RecordedRule> rules)
    {
        lock (_gate)
        {
            if (rules.Count <= _rules.Count) return;
            _rules = [.. rules];
            Wake();
        }
    }

    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame) => Add(series, frame.XBytes, frame.YBytes, frame.PointCount);

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys) => Add(series, xs, ys);

    /// <summary>Records a Points frame's columns for <paramref name="series"/>.</summary>
    public void Add(SeriesStore series, in ReadOnlySequence<byte> xBytes, in ReadOnlySequence<byte> yBytes, int count)
    {
        Interlocked.Add(ref _received, count);
        if (_stopped)
        {
            Interlocked.Add(ref _lost, count);
            return;
        }
        long now = RecordingFormat.NowMicros();
        lock (_gate)
        {
            int id = IdOf(series);
            int done = 0;
            while (done < count)
            {
                if (Current() is not { } block)
                {
                    Interlocked.Add(ref _lost, count - done);
                    return;
                }
                int n = Math.Min(block.Room, count - done);
                block.Append(id, xBytes.Slice(done * 8L, n * 8L), yBytes.Slice(done * 8L, n * 8L), n, now);
                done += n;
                if (block.Room == 0) Hand(block);
            }
        }
    }

    /// <summary>
    /// Completes once up to <paramref name="points"/> more points (a block's worth at most) can be taken without
    /// waiting for the writer, or once waiting is over (the recording closes or stops, or its writer has written nothing
    /// for <see cref="StallTimeout"/>, after which points are left out and counted as <see cref="Current"/> does). A
    /// producer's ingest awaits it before each read's frames, so while a slow disk holds producers back, the threads
    /// they were read on serve the page; the wait inside <see cref="Add(SeriesStore, in ReadOnlySequence{byte}, in ReadOnlySequence{byte}, int)"/>
    /// stays for what a read holds beyond it.
    /// </summary>
    public ValueTask WaitForRoomAsync(long points, CancellationToken cancel)
    {
        lock (_gate)
        {
            if (HasRoom(points)) return ValueTask.CompletedTask;
        }
        return WaitForRoomSlowAsync(points, cancel);
    }

    private async ValueTask WaitForRoomSlowAsync(long points, CancellationToken cancel)
    {
        long seen = -1, waitingSince = 0;
        while (true)
        {
            Task freed;
            TimeSpan patience;
            lock (_gate)
            {
                if (HasRoom(points)) return;
                patience = Patience(ref seen, ref waitingSince);
                if (patience == TimeSpan.Zero) return;
                freed = (_roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            try
            {
                await freed.WaitAsync(patience, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Looked at again: given up on, unless the writer wrote meanwhile.
            }
        }
    }

    // Under the gate: how much longer a wait for a free block may last, counted from the last write the waiter saw
    // (seen, since: its own); zero once the writer has written nothing for StallTimeout, when it is given up on, and
    // the points that follow are left out at once until it writes again.
    private TimeSpan Patience(ref long seen, ref long since)
    {
        long now = Stopwatch.GetTimestamp();
        if (_writes != seen) (seen, since) = (_writes, now);
        var patience = StallTimeout - Stopwatch.GetElapsedTime(since, now);
        if (patience > TimeSpan.Zero) return patience;
        _givenUpAt = _writes;
        return TimeSpan.Zero;
    }

    // Under the gate: whether min(points, a block) rows can be taken now without waiting, or waiting is over.
    private bool HasRoom(long points)
    {
        if (_closing || _stopped || _writes == _givenUpAt) return true;
        long need = Math.Min(points, _blockRows);
        long room = (_current?.Room ?? 0) + (long)(_free.Count + MaxBlocks - _blocks) * _blockRows;
        return room >= need;
    }

    /// <summary>Records points given as columns for <paramref name="series"/> (text input).</summary>
    public void Add(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        Interlocked.Add(ref _received, xs.Length);
        if (_stopped)
        {
            Interlocked.Add(ref _lost, xs.Length);
            return;
        }
        long now = RecordingFormat.NowMicros();
        lock (_gate)
        {
            int id = IdOf(series);
            int done = 0;
            while (done < xs.Length)
            {
                if (Current() is not { } block)
                {
                    Interlocked.Add(ref _lost, xs.Length - done);
                    return;
                }
                int n = Math.Min(block.Room, xs.Length - done);
                block.Append(id, xs.Slice(done, n), ys.Slice(done, n), now);
                done += n;
                if (block.Room == 0) Hand(block);
            }
        }
    }

    // Under the gate.
    private int IdOf(SeriesStore series)
    {
        if (_ids.TryGetValue(series, out int id)) return id;
        id = _entries.Count;
        _ids.Add(series, id);
        _entries.Add(series);
        // The column's values must be unique for pandas' categories: a name two producers use gets the producer's.
        string label = series.Name;
        if (!_labels.Add(label))
        {
            label = $"{series.Name} [{series.Producer}]";
            for (int k = 2; !_labels.Add(label); k++) label = $"{series.Name} [{series.Producer}] #{k}";
        }
        _entryLabels.Add(label);
        return id;
    }

    // Under the gate: the block being filled, a free one, or a new one while under the limit. With the queue full,
    // ingest waits for the writer to free a block, as long as the writer goes on writing: a slow disk slows ingest (and
    // the producer's own policy applies, as for a slow viewer) but loses nothing. Null when the recording is closing or
    // stopped, or when the writer has written nothing for StallTimeout (a disk or a pipe's reader that hangs): the
    // points are then left out and counted, so a recording holds ingest back for at most that long at a time.
    private RecordBlock? Current()
    {
        long seen = -1, waitingSince = 0;
        while (true)
        {
            if (_current is not null) return _current;
            if (_closing || _stopped) return null;
            if (_free.TryPop(out var free)) return _current = free;
            if (_blocks < MaxBlocks)
            {
                _blocks++;
                return _current = new RecordBlock(_blockRows);
            }
            // Given up on a writer that has finished no write since: the points are left out at once, not after
            // another wait for every frame.
            if (_writes == _givenUpAt) return null;
            var patience = Patience(ref seen, ref waitingSince);
            if (patience == TimeSpan.Zero) return null;
            _ingestWaits++;
            Monitor.Wait(_gate, patience);
            _ingestWaits--;
        }
    }

    // Under the gate: a block was freed, or the recording closes or stops; ingest waiting for a block looks again.
    private void Freed()
    {
        if (_ingestWaits > 0) Monitor.PulseAll(_gate);
        if (_roomFreed is { } freed)
        {
            _roomFreed = null;
            freed.TrySetResult();
        }
    }

    // Under the gate.
    private void Hand(RecordBlock block)
    {
        _current = null;
        _ready.Enqueue(block);
        Wake();
    }

    // Under the gate.
    private void Wake()
    {
        if (!_writerWaits) return;
        _writerWaits = false;
        _wake.Release();
    }

    private RecordBlock? TakePartial()
    {
        lock (_gate)
        {
            var block = _current;
            if (block is null || block.Count == 0) return null;
            // A full block handed over since the writer's wait ended holds older rows: it goes first, or the file's
            // batches would be out of order and a line's x would run backwards when the recording is opened.
            if (_ready.Count > 0) return null;
            _current = null;
            return block;
        }
    }

    private void WriteLoop()
    {
        long offset = 0;
        var messages = new ArrowMessageWriter();
        int dictionarySent = 0;
        string? lastDefinitions = null;
        long definedPlot = -1;
        ProducerStore[]? definedProducers = null;
        int definedEntries = -1;
        int definedRules = 0;
        // The last marker written: each batch carries those that arrived since.
        long eventsWritten = 0;
        var segments = new List<ReadOnlyMemory<byte>>(16);
        var directParts = new List<ReadOnlyMemory<byte>>(4);
        byte[] direct = [];
        int directStart = 0;
        // The rates of the last direct writes, bytes a second, and a copy to take their median from.
        var directRates = new double[DirectWindow];
        var sortedRates = new double[DirectWindow];
        long directWrites = 0;
        FileStream? unseekable = null;
        try
        {
            var schema = messages.Schema(
            [
                new(RecordingFormat.VersionKey, RecordingFormat.Version),
                new(RecordingFormat.StartedKey, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            ]);
            WriteAll([schema], 0);
            offset = schema.Length;
            Interlocked.Exchange(ref _bytes, offset);
            while (true)
            {
                RecordBlock? block;
                lock (_gate)
                {
                    // Closed or stopped, with nothing left to write: the stream ends.
                    if (!_ready.TryDequeue(out block) && (_closing || _stopped)) break;
                    _writerWaits = block is null;
                }
                if (block is null)
                {
                    bool woken = _wake.Wait(FlushInterval);
                    lock (_gate) _writerWaits = false;
                    // Woken for new rules alone: a batch of no rows carries them, so the file has them at once.
                    block = woken ? MarkersOnly() : TakePartial() ?? MarkersOnly();
                    if (block is null) continue;
                }
                Write(block);
            }
            if (TakePartial() is { } last) Write(last);
            if (!_stopped && MarkersOnly(end: true) is { } marked) Write(marked);
            if (!_stopped)
            {
                WriteAll([ArrowMessageWriter.EndOfStream], offset);
                offset += ArrowMessageWriter.EndOfStream.Length;
                Interlocked.Exchange(ref _bytes, offset);
            }
        }
        catch (Exception e)
        {
            // Whatever goes wrong with the file stops the recording, never the viewer.
            Stop($"recording {Path} stopped: {e.Message}");
        }
        finally
        {
            unseekable?.Dispose();
            _direct?.Dispose();
            _file.Dispose();
        }

        // One gather write at the file's offset; a FIFO has no offsets, so it is written through a stream, part by part.
        void WriteAll(IReadOnlyList<ReadOnlyMemory<byte>> parts, long at)
        {
            if (unseekable is null)
            {
                try
                {
                    RandomAccess.Write(_file, parts, at);
                    return;
                }
                catch (NotSupportedException)
                {
                    unseekable = new FileStream(_file, FileAccess.Write, bufferSize: 0);
                }
            }
            foreach (var part in parts) unseekable.Write(part.Span);
        }

        // The batch past the page cache: its messages before the columns copied into one page-aligned buffer, then the
        // columns as they lie in the block, in one gather write. False, with direct writes given up, when the file
        // system refuses it: the caller writes the batch through the page cache instead.
        bool WriteDirect(List<ReadOnlyMemory<byte>> parts, int columnsAt, long at)
        {
            int length = 0;
            for (int i = 0; i < columnsAt; i++) length += parts[i].Length;
            if (direct.Length - directStart < length) (direct, directStart) = RecordBlock.PageAligned(length);
            int filled = directStart;
            for (int i = 0; i < columnsAt; i++)
            {
                parts[i].Span.CopyTo(direct.AsSpan(filled));
                filled += parts[i].Length;
            }
            directParts.Clear();
            directParts.Add(direct.AsMemory(directStart, length));
            for (int i = columnsAt; i < parts.Count; i++) directParts.Add(parts[i]);
            try
            {
                long started = Stopwatch.GetTimestamp();
                RandomAccess.Write(_direct!, directParts, at);
                Interlocked.Increment(ref _directBatches);
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                long bytes = length;
                for (int i = columnsAt; i < parts.Count; i++) bytes += parts[i].Length;
                directRates[directWrites++ % DirectWindow] = seconds > 0 ? bytes / seconds : double.MaxValue;
                if (directWrites % DirectWindow == 0)
                {
                    // The median, so a stall or two of a fast disk does not count; a slow one is slow in most writes.
                    directRates.CopyTo(sortedRates, 0);
                    Array.Sort(sortedRates);
                    if (sortedRates[DirectWindow / 2] < _slowDiskBytesPerSecond)
                    {
                        _direct!.Dispose();
                        _direct = null;
                        _directGivenUp = true;
                    }
                }
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Whatever the file system makes of it, the same bytes go through the page cache next; a write that
                // fails there too stops the recording with its own reason.
                _direct!.Dispose();
                _direct = null;
                return false;
            }
        }

        // An empty block when markers arrived, or rules were defined, that no batch of points has carried yet (none
        // came after them), else null.
        RecordBlock? MarkersOnly(bool end = false)
        {
            lock (_gate)
            {
                // Rules given at the start wait for the first points (or the end), so a recording does not open with an
                // empty batch; a rule added later is written at once, so a viewer killed after it still has it.
                bool rulesDue = _rules.Count != definedRules && (lastDefinitions is not null || end);
                if (_store.Events.Received <= eventsWritten && !rulesDue) return null;
                if (_stopped || _current is { Count: > 0 } || _ready.Count > 0) return null;
                if (_free.TryPop(out var free)) return free;
                if (_blocks >= MaxBlocks) return null;
                _blocks++;
                return new RecordBlock(_blockRows);
            }
        }

        void Write(RecordBlock block)
        {
            bool behind;
            lock (_gate)
            {
                // Stopped since the block left the queue (given up on while closing): its rows are lost, not written.
                if (_stopped)
                {
                    Interlocked.Add(ref _lost, block.Count);
                    block.Count = 0;
                    _free.Push(block);
                    Freed();
                    return;
                }
                _writing = block;
                // Half the queue waiting: the disk is slow just now (or the writer starved); the page cache takes
                // the batch at once, where a direct write would wait for the disk.
                behind = _ready.Count >= MaxBlocks / 2;
            }
            segments.Clear();
            // Series defined since the last batch join the dictionary even before they have points.
            List<string>? names = null;
            string definitions;
            // The definitions change only with the plot's title and panels, the producers' list or the series
            // recorded: the JSON is made again only then, not for every batch.
            var producers = _store.Registry.Listed;
            long plotVersion = _store.Plot.Version;
            lock (_gate)
            {
                var all = _store.Series;
                // Derived series are the viewer's own work, not received data: their rules are recorded, not their points.
                for (int i = 0; i < all.Count; i++) if (!all[i].Derived) IdOf(all[i]);
                if (_entryLabels.Count > dictionarySent) names = _entryLabels.GetRange(dictionarySent, _entryLabels.Count - dictionarySent);
                if (lastDefinitions is null || plotVersion != definedPlot || !ReferenceEquals(producers, definedProducers) || _entries.Count != definedEntries
                    || _rules.Count != definedRules)
                {
                    definitions = Definitions();
                    (definedPlot, definedProducers, definedEntries, definedRules) = (plotVersion, producers, _entries.Count, _rules.Count);
                }
                else
                {
                    definitions = lastDefinitions;
                }
            }
            if (names is not null)
            {
                var (dictionary, body) = messages.DictionaryBatch(names, delta: dictionarySent > 0);
                segments.Add(dictionary);
                segments.Add(body);
            }
            int rows = block.Count;
            bool changed = definitions != lastDefinitions;
            var markers = _store.Events.Snapshot(eventsWritten);
            string? events = markers.Length > 0 ? RecordedEvents.Json(markers) : null;
            long first = block.FirstReceivedMicros, last = block.LastReceivedMicros;
            if (rows == 0 && markers.Length > 0)
            {
                // Markers alone: the batch is placed in time by them.
                first = (long)(markers[0].ReceivedUnixSeconds * 1e6);
                last = (long)(markers[^1].ReceivedUnixSeconds * 1e6);
            }
            else if (rows == 0)
            {
                // Rules alone: the batch is placed when they were written.
                first = last = RecordingFormat.NowMicros();
            }
            var header = messages.RecordBatch(rows, changed ? definitions : null, first, last, events);
            long length = header.Length + ArrowMessageWriter.BatchBodyLength(rows);
            foreach (var s in segments) length += s.Length;
            // A full block ends on a page boundary (its header padded), so the next one can go past the page cache;
            // partial ones, written a few times a second at most, are not padded.
            bool full = _direct is not null && block.FillsPages && rows == block.Capacity;
            if (full && ((offset + length) & (RecordBlock.DirectAlignment - 1)) is var pad and > 0)
            {
                header = messages.PadLast((int)(RecordBlock.DirectAlignment - pad));
                length += RecordBlock.DirectAlignment - pad;
            }
            segments.Add(header);
            int prefix = segments.Count;
            segments.Add(block.Series[..(rows * 4)]);
            if ((rows & 1) != 0) segments.Add(ArrowMessageWriter.Padding[..4]);
            segments.Add(block.X[..(rows * 8)]);
            segments.Add(block.Y[..(rows * 8)]);
            // One write call for the whole batch: a kill leaves it all or nothing of it, not a torn message.
            if (!full || behind || (offset & (RecordBlock.DirectAlignment - 1)) != 0 || !WriteDirect(segments, prefix, offset)) WriteAll(segments, offset);
            offset += length;
            if (names is not null) dictionarySent += names.Count;
            lastDefinitions = definitions;
            if (markers.Length > 0) eventsWritten = markers[^1].Seq;
            Interlocked.Exchange(ref _bytes, offset);
            lock (_gate)
            {
                // Unless Stop counted them lost while the write hung, the rows are written.
                if (_writing == block) Interlocked.Add(ref _points, rows);
                _writing = null;
                block.Count = 0;
                _free.Push(block);
                _writes++;
                Freed();
            }
            if (!File.Exists(Path)) throw new IOException($"the file was removed or moved after {offset} bytes");
        }
    }

    // Under the gate: every series recorded so far, in dictionary order, with the plot's definition now.
    private string Definitions() => RecordedPlot.Json(_store, _entries, _entryLabels, _rules);

    // Every row not yet written (being filled, queued, or in a write that failed or hangs) is counted lost, once.
    private void Stop(string why)
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            _error = why;
            long lost = _current?.Count ?? 0;
            _current = null;
            lost += _writing?.Count ?? 0;
            _writing = null;
            while (_ready.TryDequeue(out var queued)) lost += queued.Count;
            Interlocked.Add(ref _lost, lost);
            Wake();
            Freed();
        }
        _report(why);
        _store.Touch();
    }

    /// <summary>
    /// Writes what is queued, ends the stream and closes the file; gives up on a writer that has written nothing for
    /// <see cref="StallTimeout"/>, counting what it had not written as lost. Points the recording left out are
    /// reported in one line then.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closing = true;
            if (_current is { Count: > 0 } block) Hand(block);
            _current = null;
            Wake();
            Freed();
        }
        long seen = Bytes;
        while (await Task.WhenAny(_writer, Task.Delay(StallTimeout)).ConfigureAwait(false) != _writer)
        {
            long bytes = Bytes;
            if (bytes == seen)
            {
                // The write may never return (a pipe nobody drains): the viewer ends without it.
                Stop($"recording {Path} stopped: nothing could be written for {StallTimeout.TotalSeconds:0.#} s while closing (a reader that stopped reading?)");
                return;
            }
            seen = bytes;
        }
        await _writer.ConfigureAwait(false);
        // Points left out for a slow disk were said only in the status while it ran: a viewer that ends on its own
        // (--exit-on-finish) says so once more as it closes, so a recording that is not whole never looks whole.
        if (Error is null && Lost > 0) _report($"recording {Path}: {Lost} of the {Received} points received were not recorded ({Stalled}); the file holds the other {Points}");
    }
}
