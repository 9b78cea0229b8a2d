using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// The text "meta" message: the plot's title and its layout (the panels to show, each with its definition, axis kinds
/// and x group), the series a page should list and the status line's numbers (see docs/page-protocol.md).
/// </summary>
internal static class MetaMessage
{
    /// <summary>
    /// Writes the message as one JSON object, its panels those <paramref name="layout"/> shows; series of a baseline
    /// of <paramref name="store"/> carry <c>"baseline":true</c>.
    /// </summary>
    public static void Write(Utf8JsonWriter json, PlotDefinition plot, PlotLayout layout, IReadOnlyList<SeriesStore> series, StatusReport status, PlotStore? store = null)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "meta"u8);
        json.WriteStartObject("plot"u8);
        json.WriteString("title"u8, plot.Title);
        json.WriteStartArray("panels"u8);
        for (int i = 0; i < layout.Count; i++)
        {
            var panel = layout.Shown(i);
            var p = panel.Definition;
            json.WriteStartObject();
            json.WriteNumber("id"u8, p.Id);
            json.WriteString("title"u8, p.Title);
            json.WriteString("xlabel"u8, p.XLabel);
            json.WriteString("ylabel"u8, p.YLabel);
            json.WriteString("xscale"u8, AxisKinds.Utf8Name(p.XScale));
            json.WriteString("yscale"u8, AxisKinds.Utf8Name(p.YScale));
            json.WriteBoolean("linkx"u8, p.LinkX);
            json.WriteString("xkind"u8, AxisKinds.Utf8Name(panel.X));
            json.WriteString("ykind"u8, AxisKinds.Utf8Name(panel.Y));
            json.WriteNumber("xgroup"u8, panel.XGroup);
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
            json.WriteString("darkColor"u8, s.DarkColor);
            // The look drawn: the format's, with the run's style when another run carries a series of this name.
            var look = s.Look;
            if (look.Marker is char m) json.WriteString("marker"u8, m.ToString());
            else json.WriteNull("marker"u8);
            if (look.LineStyle is string line) json.WriteString("line"u8, line);
            else json.WriteNull("line"u8);
            json.WriteNumber("count"u8, s.Count);
            json.WriteString("producer"u8, s.Producer);
            json.WriteString("run"u8, s.Producer);
            json.WriteNumber("panel"u8, s.Definition.Panel);
            json.WriteBoolean("time"u8, IsTimed(s));
            if (store is not null && store.IsBaseline(s)) json.WriteBoolean("baseline"u8, true);
            // A smoothing of one series: the page draws that series faint under it.
            if (s.Smooths is { } smoothed) json.WriteNumber("smooths"u8, smoothed.Index);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("status"u8);
        JsonSerializer.Serialize(json, status, JsonContext.Api.StatusReport);
        json.WriteEndObject();
        json.Flush();
    }

    private static bool IsTimed(SeriesStore s) => (s.Definition.Flags & SeriesFlags.TimeX) != 0;
}
