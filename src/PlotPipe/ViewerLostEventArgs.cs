namespace PlotPipe;

/// <summary>Why the viewer was lost: its own last word where it gave one, and the transport's exception if any.</summary>
public sealed class ViewerLostEventArgs : EventArgs
{
    internal ViewerLostEventArgs(string reason, Exception? exception)
    {
        Reason = reason;
        Exception = exception;
    }

    /// <summary>The reason in words: the viewer's own report (such as "plotpipe: bad input at byte 4: ...") when it gave one, else the transport's error.</summary>
    public string Reason { get; }

    /// <summary>The exception the write to the viewer failed with, if one did.</summary>
    public Exception? Exception { get; }
}
