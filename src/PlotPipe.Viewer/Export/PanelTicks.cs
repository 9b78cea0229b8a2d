using PlotPipe.Viewer.Store;
using ScottPlot;

namespace PlotPipe.Viewer.Export;

/// <summary>
/// The chart library's tick generator for one axis of a picture's panel, placing and labelling ticks by the page's
/// rules (<see cref="AxisTicks"/>) for the axis' kind and the pixels it spans: x labels spaced by their measured
/// widths, y ticks at least <see cref="AxisTicks.YSpacePx"/> apart, log ticks at powers of ten and their multiples.
/// </summary>
/// <param name="kind">The axis' kind: linear, log (picture units are log10) or time (Unix seconds).</param>
/// <param name="horizontal">Whether it is an x axis, whose labels sit side by side.</param>
/// <param name="scale">Picture units per data unit on a linear axis (see <see cref="PanelAxes"/>).</param>
/// <param name="whole">Every x in view is a whole number: a linear x axis is not ticked between them (<see cref="AxisTicks.WholeSpace"/>).</param>
internal sealed class PanelTicks(AxisKind kind, bool horizontal, double scale = 1, bool whole = false) : ITickGenerator
{
    /// <summary>The ticks of the last <see cref="Regenerate"/>.</summary>
    public Tick[] Ticks { get; private set; } = [];

    /// <summary>Unused: the page's spacing rule bounds the count.</summary>
    public int MaxTickCount { get; set; } = 1000;

    /// <summary>The ticks for the picture-unit <paramref name="range"/> over <paramref name="size"/> pixels, labels measured in <paramref name="labelStyle"/>.</summary>
    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
    {
        double length = size.Length;
        double WidthPx(string text) => labelStyle.Measure(text, paint).Width;
        if (kind == AxisKind.Log)
        {
            double min = Math.Pow(10, range.Min), max = Math.Pow(10, range.Max);
            double space = horizontal ? AxisTicks.LogSpace(min, max, length, WidthPx) : AxisTicks.YSpacePx;
            var values = AxisTicks.LogTicks(min, max, length, space);
            Ticks = Make(values, AxisTicks.Logs(values), Math.Log10);
            return;
        }
        double lo = range.Min / scale, hi = range.Max / scale;
        bool time = kind == AxisKind.Time;
        var steps = time ? AxisTicks.TimeSteps : AxisTicks.NumberSteps;
        string[] LabelsFor(List<double> ticks, double step) => time ? AxisTicks.Times(ticks, step) : AxisTicks.Numbers(ticks, step);
        double spacePx = horizontal ? AxisTicks.HorizontalSpace(lo, hi, length, steps, LabelsFor, WidthPx) : AxisTicks.YSpacePx;
        if (horizontal && whole && !time) spacePx = AxisTicks.WholeSpace(lo, hi, length, spacePx);
        double chosen = AxisTicks.PickStep(lo, hi, steps, length, spacePx);
        var at = time ? AxisTicks.TimeTicks(lo, hi, chosen) : AxisTicks.Multiples(lo, hi, chosen);
        Ticks = Make(at, LabelsFor(at, chosen), v => v * scale);
    }

    private static Tick[] Make(List<double> values, string[] labels, Func<double, double> toPicture)
    {
        var ticks = new Tick[values.Count];
        for (int i = 0; i < ticks.Length; i++) ticks[i] = Tick.Major(toPicture(values[i]), labels[i]);
        return ticks;
    }
}
