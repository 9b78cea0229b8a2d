using PlotPipe.Buffering;
using PlotPipe.Protocol;

namespace PlotPipe;

/// <summary>
/// A named series of (x, y) points in a live plot. <see cref="Add(double, double)"/> is safe to call from any thread
/// and never waits on the viewer under the default policy: points go into a preallocated batch that a
/// background writer sends.
/// </summary>
public sealed class Series
{
    private readonly SeriesBuffer _buffer;

    internal Series(SeriesBuffer buffer) => _buffer = buffer;

    /// <summary>The name the legend shows.</summary>
    public string Name => _buffer.Definition.Name;

    /// <summary>The matplotlib-style format string, such as "ro" or "b-".</summary>
    public string Format => _buffer.Definition.Format;

    /// <summary>Scatter (any order) or line (x must not decrease).</summary>
    public SeriesKind Kind => _buffer.Definition.Kind;

    /// <summary>
    /// Points of this series not sent: dropped because the buffer was full (only under <see cref="WhenFull.Drop"/>),
    /// or added after <see cref="LivePlot.Finish"/> or after the viewer was lost.
    /// </summary>
    public long Dropped => _buffer.Dropped;

    internal int Id => _buffer.Definition.Id;

    internal SeriesBuffer Buffer => _buffer;

    /// <summary>
    /// Adds one point. Costs a few nanoseconds; never throws and never waits under the default policy.
    /// After <see cref="LivePlot.Finish"/> the point is not sent and is counted in <see cref="Dropped"/>.
    /// </summary>
    public void Add(double x, double y) => _buffer.Add(x, y);

    /// <summary>Adds points given as two columns of equal length, copied in bulk.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void Add(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (xs.Length != ys.Length)
            throw new PlotArgumentException($"xs has {xs.Length} values but ys has {ys.Length}; they must be equal", nameof(ys));
        _buffer.Add(xs, ys);
    }
}
