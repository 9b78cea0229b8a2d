namespace PlotPipe.Viewer.Store;

/// <summary>Where the producer's stream stands.</summary>
internal enum StreamState
{
    /// <summary>Waiting for a producer, or receiving from one.</summary>
    Streaming,
    /// <summary>The producer sent its finish frame.</summary>
    Finished,
    /// <summary>The stream ended without a finish frame, or broke the protocol.</summary>
    Disconnected,
    /// <summary>Still connected, but nothing has arrived from the producer for its idle timeout (<c>--producer-timeout</c>).</summary>
    Stalled,
}
