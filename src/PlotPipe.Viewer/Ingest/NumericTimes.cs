using System.Globalization;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Unix times written as numbers (<c>--x-time</c>, or a number in a column of ISO-8601 times): seconds, or
/// milliseconds, microseconds or nanoseconds when the input's first such time is too large to be seconds, as
/// <c>date +%s%3N</c>, JavaScript's <c>Date.now()</c> and many devices write them. The first time decides for the whole
/// input, and a unit other than seconds is said once.
/// </summary>
internal sealed class NumericTimes(Action<string> told)
{
    // From here on seconds would be past the year 5138, which no clock writes; milliseconds here are 1973.
    private const double SecondsBelow = 1e11;
    private double _perSecond;

    /// <summary>The time <paramref name="value"/>, in the input's unit, as Unix seconds.</summary>
    public double Seconds(double value)
    {
        if (_perSecond == 0)
        {
            if (!double.IsFinite(value)) return value;
            Decide(value);
        }
        return _perSecond == 1 ? value : value / _perSecond;
    }

    private void Decide(double value)
    {
        double size = Math.Abs(value);
        (_perSecond, string unit) = size < SecondsBelow ? (1d, "seconds")
            : size < SecondsBelow * 1e3 ? (1e3, "milliseconds")
            : size < SecondsBelow * 1e6 ? (1e6, "microseconds")
            : (1e9, "nanoseconds");
        if (_perSecond == 1) return;
        double seconds = value / _perSecond;
        string when = Math.Abs(seconds) < 2.5e11 ? $"; as {unit} it is {DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC" : "";
        told($"x times are read as Unix {unit}: the first, {value.ToString("R", CultureInfo.InvariantCulture)}, is too large for seconds{when}");
    }
}
