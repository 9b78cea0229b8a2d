namespace PlotPipe.Buffering;

/// <summary>What a series buffer reports upward when it loses points; called off the fast path only.</summary>
internal interface IBufferEvents
{
    /// <summary>A point was dropped because the buffer's budget was spent (WhenFull.Drop).</summary>
    void BufferFull();

    /// <summary>A point came after the buffer was closed (after Finish, or once the viewer was gone).</summary>
    void AddedAfterClose();
}
