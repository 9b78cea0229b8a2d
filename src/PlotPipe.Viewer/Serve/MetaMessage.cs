using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>The text "meta" message: the series a page should list and the status line's numbers (see docs/page-protocol.md).</summary>
internal static class MetaMessage
{
    /// <summary>Writes the message as one JSON object; <paramref name="extent"/> is the box of all data (its x goes out as <c>xExtent</c>, null when empty).</summary>
    public static void Write(Utf8JsonWriter json, IReadOnlyList<SeriesStore> series, StatusReport status, in DataBounds extent)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "meta"u8);
        json.WriteStartArray("series"u8);
        foreach (var s in series)
        {
            json.WriteStartObject();
            json.WriteNumber("index"u8, s.Index);
            json.WriteString("name"u8, s.Name);
            json.WriteString("kind"u8, s.Kind == SeriesKind.Line ? "line"u8 : "scatter"u8);
            json.WriteString("format"u8, s.Definition.Format);
            json.WriteString("color"u8, s.Color);
            if (s.Format.Marker is char m) json.WriteString("marker"u8, m.ToString());
            else json.WriteNull("marker"u8);
            if (s.Format.LineStyle is string line) json.WriteString("line"u8, line);
            else json.WriteNull("line"u8);
            json.WriteNumber("count"u8, s.Count);
            json.WriteString("producer"u8, s.Producer);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("status"u8);
        JsonSerializer.Serialize(json, status, JsonContext.Default.StatusReport);
        json.WritePropertyName("xExtent"u8);
        if (extent.IsEmpty || !double.IsFinite(extent.XMin) || !double.IsFinite(extent.XMax))
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStartArray();
            json.WriteNumberValue(extent.XMin);
            json.WriteNumberValue(extent.XMax);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.Flush();
    }
}
