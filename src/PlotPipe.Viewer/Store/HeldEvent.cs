using System.Text.Json;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>One marker the viewer holds: what the program said, who said it and when it arrived.</summary>
/// <param name="Seq">Its place among every marker this viewer received, from 1; evicted ones keep theirs, so a reader pages by it.</param>
/// <param name="Event">The marker: mark or span, x (and x2), whether x is time, its text.</param>
/// <param name="Producer">The name of the producer that sent it.</param>
/// <param name="ReceivedUnixSeconds">When the viewer received it, in seconds since 1970-01-01T00:00:00Z.</param>
/// <param name="IsAlert">Whether the viewer made it, for an <c>--alert</c> rule that fired on the producer's points.</param>
internal readonly record struct HeldEvent(long Seq, PlotEvent Event, string Producer, double ReceivedUnixSeconds, bool IsAlert = false)
{
    /// <summary>What it is called wherever it is written out (<c>/api/events</c>, recordings, exports): mark, span or alert.</summary>
    public string KindName => IsAlert ? "alert" : Event.Kind == EventKind.Span ? "span" : "mark";

    /// <summary>How its x is read: <c>time</c> (Unix seconds) or <c>plain</c>.</summary>
    public string XKindName => Event.XIsTime ? "time" : "plain";

    /// <summary>Writes its fields (kind, x, x2, xKind, text, producer, time) into the JSON object <paramref name="json"/> has open.</summary>
    public void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("kind"u8, KindName);
        json.WriteNumber("x"u8, Event.X);
        if (Event.X2 is { } x2) json.WriteNumber("x2"u8, x2);
        else json.WriteNull("x2"u8);
        json.WriteString("xKind"u8, XKindName);
        json.WriteString("text"u8, Event.Text);
        json.WriteString("producer"u8, Producer);
        json.WriteNumber("time"u8, ReceivedUnixSeconds);
    }
}
