namespace PlotPipe.Protocol;

/// <summary>Bits of a version 2 DefineSeries frame that say how to read the series' values.</summary>
[Flags]
public enum SeriesFlags : ushort
{
    /// <summary>Plain numbers on x.</summary>
    None = 0,
    /// <summary>x values are time: Unix seconds as doubles (microsecond resolution by convention).</summary>
    TimeX = 1,
}
