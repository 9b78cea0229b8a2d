using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// The markers from every producer (Event frames, <c>--events</c> lines), in order of arrival: a bounded ring that
/// keeps the last <see cref="Capacity"/> and evicts the oldest first. Markers are rare, so one lock serves; readers
/// take a snapshot and never hold it while they write a response.
/// </summary>
internal sealed class PlotEvents
{
    /// <summary>Markers kept by default: far more than a run makes at a few a minute, and a few megabytes at most.</summary>
    public const int DefaultCapacity = 65_536;

    private readonly object _gate = new();
    private readonly HeldEvent[] _ring;
    // The ring holds sequence numbers _nextSeq - _count to _nextSeq - 1; the oldest sits at _start.
    private int _start;
    private int _count;
    private long _nextSeq = 1;

    /// <summary>Creates the store; <paramref name="capacity"/> markers are kept before the oldest is evicted.</summary>
    public PlotEvents(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new HeldEvent[capacity];
    }

    /// <summary>Most markers kept at once.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Markers held now.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Markers received so far, evicted ones included: the last one's sequence number.</summary>
    public long Received
    {
        get { lock (_gate) return _nextSeq - 1; }
    }

    /// <summary>Markers evicted to keep the last <see cref="Capacity"/>.</summary>
    public long Evicted
    {
        get { lock (_gate) return _nextSeq - 1 - _count; }
    }

    /// <summary>Keeps a marker from <paramref name="producer"/> (an <c>--alert</c> firing on its points when <paramref name="alert"/>), evicting the oldest when full; returns its sequence number.</summary>
    public long Add(PlotEvent marker, string producer, bool alert = false)
    {
        double now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
        lock (_gate)
        {
            long seq = _nextSeq++;
            var held = new HeldEvent(seq, marker, producer, now, alert);
            if (_count < _ring.Length)
            {
                _ring[(_start + _count) % _ring.Length] = held;
                _count++;
            }
            else
            {
                _ring[_start] = held;
                _start = (_start + 1) % _ring.Length;
            }
            return seq;
        }
    }

    /// <summary>
    /// Forgets every marker and numbers from 1 again: a recording played again from its start adds its markers anew.
    /// A page reading <c>events</c> in the status below the last <c>seq</c> it holds reads them all again.
    /// </summary>
    public void Clear()
    {
        lock (_gate)
        {
            _start = 0;
            _count = 0;
            _nextSeq = 1;
            Array.Clear(_ring);
        }
    }

    /// <summary>The markers held with a sequence number above <paramref name="afterSeq"/> (0: all), oldest first, at most <paramref name="limit"/>.</summary>
    public HeldEvent[] Snapshot(long afterSeq = 0, int limit = int.MaxValue)
    {
        lock (_gate)
        {
            long first = _nextSeq - _count;
            long skip = Math.Clamp(afterSeq - first + 1, 0, _count);
            int n = (int)Math.Min(_count - skip, limit);
            var copy = new HeldEvent[n];
            for (int i = 0; i < n; i++) copy[i] = _ring[(int)((_start + skip + i) % _ring.Length)];
            return copy;
        }
    }
}
