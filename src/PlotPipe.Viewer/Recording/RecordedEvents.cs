using System.Globalization;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// Markers in a recording: a batch's metadata (<see cref="RecordingFormat.EventsKey"/>) holds those that arrived since
/// the batch before, as a JSON array of <c>{"kind", "x", "x2", "xKind", "text", "producer", "time"}</c> (the rows of
/// <c>GET /api/events</c> without <c>seq</c>, an alert's kind <c>alert</c> as there), so the points' columns stay as every
/// Arrow reader knows them.
/// </summary>
internal static class RecordedEvents
{
    /// <summary>The markers as the metadata value.</summary>
    public static string Json(ReadOnlySpan<HeldEvent> held)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var h in held)
            {
                json.WriteStartObject();
                h.WriteFields(json);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// The markers of a metadata value with the producer each came from and whether an <c>--alert</c> rule made it (an
    /// alert is a mark); throws <see cref="InvalidDataException"/> naming what is wrong. A kind this viewer does not
    /// know is passed over, so a newer recording still opens.
    /// </summary>
    public static (PlotEvent Event, string Producer, bool Alert)[] Parse(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException("markers are not a JSON array");
            var list = new List<(PlotEvent, string, bool)>(doc.RootElement.GetArrayLength());
            int i = 0;
            foreach (var row in doc.RootElement.EnumerateArray())
            {
                i++;
                string? named = row.GetProperty("kind").GetString();
                bool alert = named == "alert";
                var kind = EventKind.Mark;
                if (!alert && (!Enum.TryParse(named, ignoreCase: true, out kind) || !Enum.IsDefined(kind))) continue;
                double x = row.GetProperty("x").GetDouble();
                double? x2 = row.TryGetProperty("x2", out var end) && end.ValueKind == JsonValueKind.Number ? end.GetDouble() : null;
                bool time = row.GetProperty("xKind").GetString() == "time";
                string label = row.GetProperty("text").GetString() ?? "";
                if (PlotEvent.TextProblem(label) is { } problem) throw new InvalidDataException($"marker {i}: {problem}");
                if (!double.IsFinite(x) || x2 is { } e2 && !(double.IsFinite(e2) && e2 >= x))
                    throw new InvalidDataException($"marker {i}: x {x.ToString(CultureInfo.InvariantCulture)} to {x2?.ToString(CultureInfo.InvariantCulture) ?? "null"} is not a place on x");
                if (kind == EventKind.Span && x2 is null) throw new InvalidDataException($"marker {i}: a span without its end (x2)");
                if (kind == EventKind.Mark) x2 = null;
                string producer = row.TryGetProperty("producer", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
                list.Add((new PlotEvent(kind, x, x2, time, label), producer, alert));
            }
            return [.. list];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"markers are not readable: {e.Message}");
        }
    }
}
