using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;
using System.Text.Json.Serialization;

namespace PlotPipe.Viewer.Recording;

/// <summary>The plot as a recording's <see cref="RecordingFormat.DefinitionsKey"/> metadata holds it (JSON).</summary>
/// <param name="Title">The plot's title.</param>
/// <param name="Panels">Its panels, the default panel first.</param>
/// <param name="Producers">Its producers, in order of arrival.</param>
/// <param name="Series">Every series recorded, in the order of the series column's dictionary.</param>
internal sealed record RecordedPlot(string Title, List<RecordedPanel> Panels, List<RecordedProducer> Producers, List<RecordedSeries> Series)
{
    /// <summary>The JSON of <paramref name="store"/>'s plot with <paramref name="series"/> labelled <paramref name="labels"/>, in that order.</summary>
    public static string Json(PlotStore store, IReadOnlyList<SeriesStore> series, IReadOnlyList<string> labels)
    {
        var panels = new List<RecordedPanel>();
        foreach (var p in store.Plot.Panels) panels.Add(new RecordedPanel(p.Id, p.Title, p.XLabel, p.YLabel, AxisKinds.Name(p.XScale), AxisKinds.Name(p.YScale), p.LinkX));
        var producers = new List<RecordedProducer>();
        foreach (var p in store.ProducerStates) producers.Add(new RecordedProducer(p.Name, p.Address));
        var rows = new List<RecordedSeries>(series.Count);
        for (int i = 0; i < series.Count; i++)
        {
            var d = series[i].Definition;
            rows.Add(new RecordedSeries(labels[i], d.Name, series[i].Producer, d.Id, d.Kind == SeriesKind.Line ? "line" : "scatter", d.Format, d.Panel, (int)d.Flags));
        }
        return JsonSerializer.Serialize(new RecordedPlot(store.Plot.Title, panels, producers, rows), RecordingJson.Default.RecordedPlot);
    }
}

/// <summary>One panel of a recorded plot.</summary>
/// <param name="Id">0 for the default panel.</param>
/// <param name="Title">Its title, or null.</param>
/// <param name="XLabel">Its x label, or null.</param>
/// <param name="YLabel">Its y label, or null.</param>
/// <param name="XScale">linear or log.</param>
/// <param name="YScale">linear or log.</param>
/// <param name="LinkX">Whether its x follows the other panels'.</param>
internal sealed record RecordedPanel(int Id, string? Title, string? XLabel, string? YLabel, string XScale, string YScale, bool LinkX);

/// <summary>One producer of a recorded plot.</summary>
/// <param name="Name">The name it went by.</param>
/// <param name="Address">Where it connected from.</param>
internal sealed record RecordedProducer(string Name, string Address);

/// <summary>One series of a recorded plot.</summary>
/// <param name="Label">Its value in the series column: its name, made unique with its producer's name when another series has it.</param>
/// <param name="Name">Its name as defined.</param>
/// <param name="Producer">The producer that defined it ("" for text input).</param>
/// <param name="Id">Its wire id in that producer's stream.</param>
/// <param name="Kind">line or scatter.</param>
/// <param name="Format">Its format string.</param>
/// <param name="Panel">The panel it is drawn in.</param>
/// <param name="Flags">Its flags as on the wire (1: x is time).</param>
internal sealed record RecordedSeries(string Label, string Name, string Producer, int Id, string Kind, string Format, int Panel, int Flags);

/// <summary>Source-generated JSON for the recording's metadata.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecordedPlot))]
internal sealed partial class RecordingJson : JsonSerializerContext;
