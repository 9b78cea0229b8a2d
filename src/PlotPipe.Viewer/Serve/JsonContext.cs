using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlotPipe.Viewer.Serve;

/// <summary>Source-generated JSON for the API, camelCase as the page expects.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(List<SeriesReport>))]
[JsonSerializable(typeof(PlotReport))]
[JsonSerializable(typeof(List<ProducerReport>))]
[JsonSerializable(typeof(PlotPipe.Viewer.Query.NearestReport))]
internal sealed partial class JsonContext : JsonSerializerContext
{
    // Every JSON answer goes out as application/json or a WebSocket message, read by JSON.parse or a script, and none
    // is ever written into a page's HTML: so a quote or an apostrophe in a series name or a marker's text can be
    // written as itself rather than as \u0022 or \u0027. Control characters and unpaired surrogates are still escaped.
    private static readonly JavaScriptEncoder Plain = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>What API answers are written with: <see cref="Default"/>'s types, text escaped only where JSON needs it.</summary>
    public static JsonContext Api { get; } = new(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = Plain });

    /// <summary>Options for a hand-written API answer (<see cref="Utf8JsonWriter"/>), text escaped only where JSON needs it.</summary>
    public static JsonWriterOptions Writer { get; } = new() { Encoder = Plain };
}
