using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>One marker the viewer holds: what the program said, who said it and when it arrived.</summary>
/// <param name="Seq">Its place among every marker this viewer received, from 1; evicted ones keep theirs, so a reader pages by it.</param>
/// <param name="Event">The marker: mark or span, x (and x2), whether x is time, its text.</param>
/// <param name="Producer">The name of the producer that sent it.</param>
/// <param name="ReceivedUnixSeconds">When the viewer received it, in seconds since 1970-01-01T00:00:00Z.</param>
/// <param name="IsAlert">Whether the viewer made it, for an <c>--alert</c> rule that fired on the producer's points.</param>
internal readonly record struct HeldEvent(long Seq, PlotEvent Event, string Producer, double ReceivedUnixSeconds, bool IsAlert = false);
