using PlotPipe.Buffering;
using PlotPipe.Protocol;

namespace PlotPipe;

/// <summary>
/// A named series of (x, y) points in a live plot. <see cref="Add(double, double)"/> is safe to call from any thread
/// and never waits on the viewer under the default policy: points go into a preallocated batch that a
/// background writer sends.
/// </summary>
/// <remarks>
/// Time on x: the <see cref="DateTime"/> and <see cref="DateTimeOffset"/> forms of Add send x as Unix seconds
/// (seconds since 1970-01-01T00:00:00Z; about a quarter of a microsecond apart at this century's dates, so
/// microseconds survive) and mark the series as timed, so its panel shows dates and times. The mark travels with
/// the series' definition, which goes out with its first points: add time from the first point on. A series whose
/// first points were plain numbers (or that was defined because a series made after it sent points first) keeps
/// plain numbers on its axis; later times still arrive as Unix seconds. Plain numbers added to a timed series are
/// read as Unix seconds.
/// </remarks>
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

    /// <summary>Whether x is time: true once a <see cref="DateTime"/> or <see cref="DateTimeOffset"/> was added.</summary>
    public bool XIsTime => _buffer.XIsTime;

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

    /// <summary>
    /// Adds one point with time on x, sent as Unix seconds (see the remarks on <see cref="Series"/>). A Local time is
    /// converted to UTC; an Unspecified one is taken as UTC. Costs as little as <see cref="Add(double, double)"/>.
    /// </summary>
    public void Add(DateTime x, double y)
    {
        // A read first: the flag is written once, and a write on every point would share a cache line with the reader.
        if (!_buffer.XIsTime) _buffer.XIsTime = true;
        _buffer.Add(UnixSeconds.From(x), y);
    }

    /// <summary>Adds one point with time on x, the instant <paramref name="x"/> names, sent as Unix seconds.</summary>
    public void Add(DateTimeOffset x, double y)
    {
        if (!_buffer.XIsTime) _buffer.XIsTime = true;
        _buffer.Add(UnixSeconds.From(x), y);
    }

    /// <summary>Adds points with time on x given as two columns of equal length; times as in <see cref="Add(DateTime, double)"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void Add(ReadOnlySpan<DateTime> xs, ReadOnlySpan<double> ys) => AddTimes(xs, ys, default(UnixSeconds.OfDateTime));

    /// <summary>Adds points with time on x given as two columns of equal length; each x is the instant it names.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void Add(ReadOnlySpan<DateTimeOffset> xs, ReadOnlySpan<double> ys) => AddTimes(xs, ys, default(UnixSeconds.OfDateTimeOffset));

    // Generic over a struct converter, so each time type gets its own code with the conversion inlined.
    private void AddTimes<T, TSeconds>(ReadOnlySpan<T> xs, ReadOnlySpan<double> ys, TSeconds convert)
        where TSeconds : struct, UnixSeconds.IConverter<T>
    {
        if (xs.Length != ys.Length)
            throw new PlotArgumentException($"xs has {xs.Length} values but ys has {ys.Length}; they must be equal", nameof(ys));
        if (!_buffer.XIsTime) _buffer.XIsTime = true;
        Span<double> seconds = stackalloc double[TimeBlock];
        while (!xs.IsEmpty)
        {
            int n = Math.Min(xs.Length, TimeBlock);
            for (int i = 0; i < n; i++) seconds[i] = convert.Seconds(xs[i]);
            _buffer.Add(seconds[..n], ys[..n]);
            xs = xs[n..];
            ys = ys[n..];
        }
    }

    // Times are converted in blocks on the stack: 2 KiB, large enough that the bulk copy still dominates.
    private const int TimeBlock = 256;
}
