namespace PlotPipe.Buffering;

/// <summary>
/// How the producer's threads tell the writer there is work: a first point in a quiet stream, a full batch, or
/// a renter out of room. The producer only ever sets flags and releases a semaphore; the writer waits here.
/// </summary>
internal sealed class BufferSignals
{
    private readonly SemaphoreSlim _wake = new(0);
    private int _idle;
    private int _wakePending;
    private int _batchFilled;
    private int _roomWanted;

    /// <summary>For the first point of an empty batch: wakes the writer if it sleeps, so a quiet stream has no delay.</summary>
    public void FirstPointAdded()
    {
        if (Volatile.Read(ref _idle) == 1) Wake();
    }

    /// <summary>A batch is full: it should leave now.</summary>
    public void BatchFull()
    {
        Volatile.Write(ref _batchFilled, 1);
        Wake();
    }

    /// <summary>A renter found the budget spent: the writer should take partial batches too, so their room comes back.</summary>
    public void WantRoom()
    {
        if (Volatile.Read(ref _roomWanted) == 1) return;
        Volatile.Write(ref _roomWanted, 1);
        Wake();
    }

    /// <summary>Wakes the writer (at most one pending release, however many callers).</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    /// <summary>Writer side: whether batches filled since the last look.</summary>
    public bool TakeBatchFilled() => Interlocked.Exchange(ref _batchFilled, 0) == 1;

    /// <summary>Writer side: whether a renter asked for room since the last look.</summary>
    public bool TakeRoomWanted() => Interlocked.Exchange(ref _roomWanted, 0) == 1;

    /// <summary>Writer side: marks the writer asleep (a full fence, so a series clearing its lock then reads it).</summary>
    public void EnterIdle() => Interlocked.Exchange(ref _idle, 1);

    /// <summary>Writer side: marks the writer awake.</summary>
    public void LeaveIdle() => Volatile.Write(ref _idle, 0);

    /// <summary>Writer side: sleeps until woken or the timeout passes.</summary>
    public void WaitForWork(int timeoutMs)
    {
        _wake.Wait(timeoutMs);
        Volatile.Write(ref _wakePending, 0);
    }
}
