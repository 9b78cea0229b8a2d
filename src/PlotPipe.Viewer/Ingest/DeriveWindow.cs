namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// The mean, least or greatest of the last N values, over what has come while fewer have. Min and max keep a
/// monotonic queue (each value enters and leaves once); the mean keeps a running sum, summed afresh from the window
/// every N values so rounding cannot build up. A NaN gives NaN and stays out of the window.
/// </summary>
internal sealed class DeriveWindow
{
    private readonly DeriveOpKind _kind;
    private readonly int _length;
    private readonly double[] _values;
    private readonly long[] _positions;
    private long _count;
    private double _sum;
    // The queue of candidates (min and max): ring positions _head.._head+_size in _values/_positions.
    private int _head;
    private int _size;

    /// <summary>A window of <paramref name="length"/> values for <paramref name="kind"/> (mean, min or max).</summary>
    public DeriveWindow(DeriveOpKind kind, int length)
    {
        _kind = kind;
        _length = length;
        _values = new double[length];
        _positions = kind == DeriveOpKind.Mean ? [] : new long[length];
    }

    /// <summary>Takes the next value and gives the window's mean, least or greatest.</summary>
    public double Next(double v)
    {
        if (double.IsNaN(v)) return v;
        long at = _count++;
        if (_kind == DeriveOpKind.Mean)
        {
            int slot = (int)(at % _length);
            if (at >= _length) _sum -= _values[slot];
            _values[slot] = v;
            _sum += v;
            if (slot == _length - 1)
            {
                double exact = 0;
                for (int k = 0; k < _length; k++) exact += _values[k];
                _sum = exact;
            }
            return _sum / Math.Min(_count, _length);
        }
        bool min = _kind == DeriveOpKind.Min;
        // Candidates that the new value beats can never be the answer again.
        while (_size > 0)
        {
            double back = _values[(_head + _size - 1) % _length];
            if (min ? back >= v : back <= v) _size--;
            else break;
        }
        if (_size > 0 && _positions[_head] <= at - _length)
        {
            _head = (_head + 1) % _length;
            _size--;
        }
        int end = (_head + _size) % _length;
        _values[end] = v;
        _positions[end] = at;
        _size++;
        return _values[_head];
    }
}
