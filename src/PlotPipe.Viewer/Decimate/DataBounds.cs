namespace PlotPipe.Viewer.Decimate;

/// <summary>The smallest box holding a set of points (NaNs ignored); empty when no point is finite.</summary>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="YMin">Smallest y.</param>
/// <param name="YMax">Largest y.</param>
internal readonly record struct DataBounds(double XMin, double XMax, double YMin, double YMax)
{
    /// <summary>No points.</summary>
    public static DataBounds Empty => new(double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity);

    /// <summary>Whether the box holds no point.</summary>
    public bool IsEmpty => !(XMin <= XMax) || !(YMin <= YMax);

    /// <summary>The box holding both boxes.</summary>
    public DataBounds Union(in DataBounds other) => new(
        Math.Min(XMin, other.XMin), Math.Max(XMax, other.XMax),
        Math.Min(YMin, other.YMin), Math.Max(YMax, other.YMax));
}
