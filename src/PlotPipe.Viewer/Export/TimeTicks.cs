using System.Globalization;
using ScottPlot.TickGenerators;
using ScottPlot.TickGenerators.TimeUnits;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// Tick labels of a time axis, in UTC and in one order whatever the machine's culture: the date as yyyy-MM-dd with
/// the time of day under it, down to the digits the tick spacing needs (years, months, days, minutes, seconds,
/// tenths, hundredths or thousandths).
/// </summary>
internal static class TimeTicks
{
    /// <summary>A time tick generator that labels its ticks by <see cref="Label"/>.</summary>
    public static DateTimeAutomatic Generator()
    {
        var generator = new DateTimeAutomatic();
        // The generator picks its unit before it formats the labels of that attempt.
        generator.LabelFormatter = t => Label(t, generator.TimeUnit);
        return generator;
    }

    /// <summary>The label of a tick at <paramref name="time"/> when ticks are spaced in <paramref name="unit"/>.</summary>
    public static string Label(DateTime time, ITimeUnit? unit) => time.ToString(unit switch
    {
        Year => "yyyy",
        Month => "yyyy-MM",
        Day => "yyyy-MM-dd",
        Hour or Minute => "yyyy-MM-dd\nHH:mm",
        Second => "yyyy-MM-dd\nHH:mm:ss",
        Decisecond => "yyyy-MM-dd\nHH:mm:ss.f",
        Centisecond => "yyyy-MM-dd\nHH:mm:ss.ff",
        _ => "yyyy-MM-dd\nHH:mm:ss.fff",
    }, CultureInfo.InvariantCulture);
}
