namespace PlotPipe.Viewer.Decimate;

/// <summary>
/// How an axis maps data to the even steps its pixels take: the decimators are generic over a struct of this, so
/// the linear case compiles to the plain arithmetic it always was and a log axis pays for its log10 alone. These
/// are the compile-time form of <c>AxisKind</c> (Store/AxisKind.cs), the one type for an axis' kind: a time axis is
/// linear to a decimator.
/// </summary>
internal interface IAxisScale
{
    /// <summary>The value in the axis' even units (itself on a linear axis, a logarithm on a log one).</summary>
    double Map(double value);
}

/// <summary>A linear axis: pixels are even in the data's own units.</summary>
internal readonly struct LinearScale : IAxisScale
{
    /// <inheritdoc />
    public double Map(double value) => value;
}

/// <summary>A log axis: pixels are even in log10 of the data; only positive values have a place on it.</summary>
/// <remarks>
/// Even steps in log2 are even steps in log10 (the two differ by a constant factor), and glibc's log2 takes half
/// the time of its log10, which is most of what a log density grid costs.
/// </remarks>
internal readonly struct LogScale : IAxisScale
{
    /// <inheritdoc />
    public double Map(double value) => Math.Log2(value);
}
