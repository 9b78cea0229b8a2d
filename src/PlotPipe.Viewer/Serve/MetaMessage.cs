using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Decimate;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>The text "meta" message: the plot's definition, the series a page should list and the status line's numbers (see docs/page-protocol.md).</summary>
internal static class MetaMessage
{
    /// <summary>Writes the message as one JSON object; <paramref name="extent"/> is the box of all data (its x goes out as <c>xExtent</c>, null when empty).</summary>
    public static void Write(Utf8JsonWriter json, PlotDefinition plot, IReadOnlyList<SeriesStore> series, StatusReport status, in DataBounds extent)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "meta"u8);
        json.WriteStartObject("plot"u8);
        json.WriteString("title"u8, plot.Title);
        json.WriteStartArray("panels"u8);
        foreach (var p in plot.Panels)
        {
            json.WriteStartObject();
            json.WriteNumber("id"u8, p.Id);
            json.WriteString("title"u8, p.Title);
            json.WriteString("xlabel"u8, p.XLabel);
            json.WriteString("ylabel"u8, p.YLabel);
            json.WriteString("xscale"u8, p.XScale);
            json.WriteString("yscale"u8, p.YScale);
            json.WriteBoolean("linkx"u8, p.LinkX);
            json.WriteBoolean("time"u8, AnyTimed(series, p.Id));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
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
            json.WriteNumber("panel"u8, s.Definition.Panel);
            json.WriteBoolean("time"u8, IsTimed(s));
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

    private static bool IsTimed(SeriesStore s) => (s.Definition.Flags & SeriesFlags.TimeX) != 0;

    private static bool AnyTimed(IReadOnlyList<SeriesStore> series, int panel)
    {
        foreach (var s in series)
        {
            if (s.Definition.Panel == panel && IsTimed(s)) return true;
        }
        return false;
    }
}
