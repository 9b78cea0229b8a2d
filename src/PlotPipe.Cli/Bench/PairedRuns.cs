namespace PlotPipe.Cli.Bench;

/// <summary>
/// A cost measured end to end on a noisy machine: a run without the thing and a run with it, side by side in each
/// turn (the order swapped every turn, so a drifting machine favours neither), compared by the median of the turns'
/// own ratios: a turn's two runs saw the same machine, and one disturbed turn moves the median little.
/// </summary>
internal sealed class PairedRuns
{
    private readonly double[] _without, _with;

    private PairedRuns(double[] without, double[] with) => (_without, _with) = (without, with);

    /// <summary>Runs <paramref name="turns"/> turns of <paramref name="without"/> and <paramref name="with"/> (each returns a rate), telling each turn to <paramref name="told"/>.</summary>
    public static PairedRuns Run(int turns, Func<double> without, Func<double> with, Action<int, double, double> told)
    {
        var a = new double[turns];
        var b = new double[turns];
        for (int turn = 0; turn < turns; turn++)
        {
            if (turn % 2 == 0)
            {
                a[turn] = without();
                b[turn] = with();
            }
            else
            {
                b[turn] = with();
                a[turn] = without();
            }
            told(turn, a[turn], b[turn]);
        }
        return new PairedRuns(a, b);
    }

    /// <summary>The median rate without.</summary>
    public double Without => Median(_without);

    /// <summary>The median rate with.</summary>
    public double With => Median(_with);

    /// <summary>The median of the turns' ratios, with / without (0 when a run without measured nothing).</summary>
    public double Ratio
    {
        get
        {
            var ratios = new double[_without.Length];
            for (int i = 0; i < ratios.Length; i++) ratios[i] = _without[i] > 0 ? _with[i] / _without[i] : 0;
            return Median(ratios);
        }
    }

    /// <summary>Each turn's ratio in percent, for the note beside the figure.</summary>
    public string Turns => string.Join(" · ", _without.Select((w, i) => w > 0 ? $"{100 * _with[i] / w:F0}" : "-"));

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
