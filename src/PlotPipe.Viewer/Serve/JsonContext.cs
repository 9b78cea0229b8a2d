using System.Text.Json.Serialization;

namespace PlotPipe.Viewer.Serve;

/// <summary>Source-generated JSON for the API, camelCase as the page expects.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(List<SeriesReport>))]
[JsonSerializable(typeof(PlotReport))]
[JsonSerializable(typeof(List<ProducerReport>))]
[JsonSerializable(typeof(PlotPipe.Viewer.Query.NearestReport))]
internal sealed partial class JsonContext : JsonSerializerContext;
