namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// One derived series' program with its state (averages, windows, previous points) for one producer: fed the leading
/// source's points one at a time and the other sources' latest values, it gives the derived points. Built once when
/// the series first appears, it allocates nothing per point.
/// </summary>
internal sealed class DeriveEvaluator
{
    private readonly DeriveOp[] _program;
    private readonly double[] _held;
    private readonly bool[] _holding;
    private readonly double[] _stack;
    private readonly bool[] _valid;
    // Per step: ema's running sum and its weight's power, or rate's previous x and y.
    private readonly double[] _first;
    private readonly double[] _second;
    private readonly bool[] _started;
    private readonly DeriveWindow?[] _windows;

    /// <summary>Compiles <paramref name="rule"/>'s program into fresh state.</summary>
    public DeriveEvaluator(DeriveRule rule)
    {
        _program = rule.Program;
        _held = new double[rule.Sources.Count];
        _holding = new bool[rule.Sources.Count];
        _stack = new double[_program.Length];
        _valid = new bool[_program.Length];
        _first = new double[_program.Length];
        _second = new double[_program.Length];
        _started = new bool[_program.Length];
        _windows = new DeriveWindow?[_program.Length];
        for (int i = 0; i < _program.Length; i++)
        {
            var op = _program[i];
            if (op.Kind is DeriveOpKind.Mean or DeriveOpKind.Min or DeriveOpKind.Max) _windows[i] = new DeriveWindow(op.Kind, (int)op.Value);
            if (op.Kind == DeriveOpKind.Ema) _second[i] = 1;
        }
    }

    /// <summary>Keeps <paramref name="y"/> as the latest value of source <paramref name="slot"/> (not the leading one).</summary>
    public void Hold(int slot, double y)
    {
        _held[slot] = y;
        _holding[slot] = true;
    }

    /// <summary>
    /// Takes the leading source's next point; false when it gives no derived point (a <c>rate</c> without a previous
    /// point, or another source that has no value yet).
    /// </summary>
    public bool TryNext(double x, double y, out double value)
    {
        _held[0] = y;
        _holding[0] = true;
        int top = -1;
        var program = _program;
        for (int i = 0; i < program.Length; i++)
        {
            var op = program[i];
            switch (op.Kind)
            {
                case DeriveOpKind.Series:
                    top++;
                    _stack[top] = _held[op.Slot];
                    _valid[top] = _holding[op.Slot];
                    break;
                case DeriveOpKind.Constant:
                    top++;
                    _stack[top] = op.Value;
                    _valid[top] = true;
                    break;
                case DeriveOpKind.Add:
                    top--;
                    _stack[top] += _stack[top + 1];
                    _valid[top] &= _valid[top + 1];
                    break;
                case DeriveOpKind.Subtract:
                    top--;
                    _stack[top] -= _stack[top + 1];
                    _valid[top] &= _valid[top + 1];
                    break;
                case DeriveOpKind.Multiply:
                    top--;
                    _stack[top] *= _stack[top + 1];
                    _valid[top] &= _valid[top + 1];
                    break;
                case DeriveOpKind.Divide:
                    top--;
                    _stack[top] /= _stack[top + 1];
                    _valid[top] &= _valid[top + 1];
                    break;
                case DeriveOpKind.Negate:
                    _stack[top] = -_stack[top];
                    break;
                case DeriveOpKind.Abs:
                    _stack[top] = Math.Abs(_stack[top]);
                    break;
                case DeriveOpKind.Ema:
                    if (_valid[top]) _stack[top] = Ema(i, op.Value, _stack[top]);
                    break;
                case DeriveOpKind.Rate:
                    if (_valid[top]) _valid[top] = Rate(i, x, ref _stack[top]);
                    break;
                default:
                    if (_valid[top]) _stack[top] = _windows[i]!.Next(_stack[top]);
                    break;
            }
        }
        value = _stack[0];
        return _valid[0];
    }

    // TensorBoard's smoothing: m = m·w + (1 − w)·y, shown as m / (1 − w^n) after n finite values, with w^n kept as a
    // running product. A value that is not finite passes through and leaves the average as it was.
    private double Ema(int i, double w, double y)
    {
        if (!double.IsFinite(y)) return y;
        double m = _first[i] * w + (1 - w) * y;
        double power = _second[i] * w;
        _first[i] = m;
        _second[i] = power;
        return m / (1 - power);
    }

    private bool Rate(int i, double x, ref double y)
    {
        double previousX = _first[i], previousY = _second[i];
        bool had = _started[i];
        _first[i] = x;
        _second[i] = y;
        _started[i] = true;
        if (!had) return false;
        y = (y - previousY) / (x - previousX);
        return true;
    }
}
