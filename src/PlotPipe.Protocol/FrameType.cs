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
    /// <summary>Version 2: names the producer and carries its token; the first frame of every version 2 stream.</summary>
    Hello = 5,
    /// <summary>Version 2: the plot's properties (title), as key/value pairs.</summary>
    DefinePlot = 6,
    /// <summary>Version 2: one panel's properties (title, labels, scales), as key/value pairs; the series id is the panel id.</summary>
    DefinePanel = 7,
    /// <summary>Version 2: a marker for every panel whose x is of its kind, a moment (mark) or a range (span), with its text.</summary>
    Event = 8,
}
