namespace PlotPipe.Viewer.Ingest;

/// <summary>What an alert rule asks of each y: a comparison with its threshold, or whether it is NaN.</summary>
internal enum AlertTest
{
    /// <summary><c>&gt;</c>: above the threshold.</summary>
    Above,
    /// <summary><c>&gt;=</c>: at or above the threshold.</summary>
    AtLeast,
    /// <summary><c>&lt;</c>: below the threshold.</summary>
    Below,
    /// <summary><c>&lt;=</c>: at or below the threshold.</summary>
    AtMost,
    /// <summary><c>is nan</c>: not a number.</summary>
    IsNaN,
}
