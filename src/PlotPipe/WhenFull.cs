namespace PlotPipe;

/// <summary>What <see cref="Series.Add(double, double)"/> does when the producer's bounded buffer is full.</summary>
public enum WhenFull
{
    /// <summary>Drop the new points and count them; the viewer shows the count. Never waits (the default).</summary>
    Drop,
    /// <summary>Wait until the viewer has taken enough to make room: lossless, but the producer slows to the viewer's pace.</summary>
    Block,
}
