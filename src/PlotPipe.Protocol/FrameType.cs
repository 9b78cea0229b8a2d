namespace PlotPipe.Protocol;

/// <summary>The kind of a frame on the wire; the byte at offset 4 of every frame header.</summary>
public enum FrameType : byte
{
    /// <summary>Names a series and its style before its first points.</summary>
    DefineSeries = 1,
    /// <summary>A batch of (x, y) points for one series, as an x column then a y column.</summary>
    Points = 2,
    /// <summary>The producer's running total of points it dropped for one series.</summary>
    Dropped = 3,
    /// <summary>The producer is done: the stream is complete.</summary>
    Finish = 4,
}
