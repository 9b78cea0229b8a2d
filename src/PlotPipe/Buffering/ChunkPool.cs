namespace PlotPipe.Buffering;

/// <summary>
/// The producer's bounded memory: a fixed number of chunks shared by all series, created on demand and
/// reused forever after, so steady streaming allocates nothing and memory never exceeds the bound.
/// </summary>
internal sealed class ChunkPool
{
    private readonly object _gate = new();
    private readonly Stack<PointChunk> _free;
    private readonly int _chunkPoints;
    private readonly int _maxChunks;
    private int _created;

    public ChunkPool(int chunkPoints, int maxChunks)
    {
        _chunkPoints = chunkPoints;
        _maxChunks = maxChunks;
        _free = new Stack<PointChunk>(maxChunks);
    }

    /// <summary>Chunks in existence; times <c>16 × chunk points</c> is the buffer's memory.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>A free chunk, or null when all are in use and <paramref name="wait"/> is false.</summary>
    public PointChunk? Rent(bool wait, Func<bool> giveUp)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_free.Count > 0) return _free.Pop();
                if (_created < _maxChunks)
                {
                    _created++;
                    return new PointChunk(_chunkPoints);
                }
                if (!wait || giveUp()) return null;
                // Woken by Return; the timeout only re-checks giveUp, e.g. a viewer that vanished.
                Monitor.Wait(_gate, 50);
            }
        }
    }

    /// <summary>Lets every waiting Rent re-check whether to give up.</summary>
    public void WakeWaiters()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }

    public void Return(PointChunk chunk)
    {
        chunk.Count = 0;
        lock (_gate)
        {
            _free.Push(chunk);
            Monitor.PulseAll(_gate);
        }
    }
}
