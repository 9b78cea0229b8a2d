namespace PlotPipe.Protocol;

/// <summary>What an Event frame marks on the x axis: a moment or a range.</summary>
public enum EventKind : byte
{
    /// <summary>A vertical marker at one x.</summary>
    Mark = 1,
    /// <summary>A shaded range of x, from x to x2.</summary>
    Span = 2,
}
