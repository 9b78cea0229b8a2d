using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace PlotPipe.Viewer.Recording;

/// <summary>
/// The page's calls for a recording's timeline and for baselines (docs/page-protocol.md): <c>/api/timeline</c> when
/// the viewer plays a recording, <c>/api/baselines</c> always. Every call passes the viewer's Host, Origin and token
/// checks first, as all of <c>/api</c> does; a call that changes something is a POST.
/// </summary>
internal static class PlaybackRoutes
{
    // Written as the other API answers are: a quote in a file or run name reads as itself (Serve/JsonContext.cs).
    private static readonly PlaybackJson Json = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Maps the routes onto <paramref name="app"/>; without <paramref name="player"/>, <c>GET /api/timeline</c> answers 204 (no timeline).</summary>
    public static void Map(IEndpointRouteBuilder app, RecordingPlayer? player, BaselineRuns baselines)
    {
        // Every page asks once whether there is a timeline: a live viewer says "none" without an error status, which
        // the browser's console would show as a failed load on every live page.
        if (player is null) app.MapGet("/api/timeline", () => Results.NoContent());
        else
        {
            app.MapGet("/api/timeline", () => Results.Json(player.Report(), Json.TimelineReport));
            app.MapPost("/api/timeline", async (HttpContext context) =>
            {
                var q = context.Request.Query;
                try
                {
                    if (q.ContainsKey("speed")) player.SetSpeed(SpeedOf(q["speed"].ToString()));
                    if (q.ContainsKey("seek")) await player.SeekAsync(Number(q["seek"].ToString(), "seek"), context.RequestAborted);
                    switch (q["play"].ToString())
                    {
                        case "": break;
                        case "true": await player.PlayAsync(context.RequestAborted); break;
                        case "false": player.Pause(); break;
                        default: throw new ArgumentException($"play={q["play"]} is not true or false");
                    }
                }
                catch (ArgumentException e)
                {
                    return Results.Text(e.Message.Split(" (Parameter")[0] + "\n", statusCode: StatusCodes.Status400BadRequest);
                }
                return Results.Json(player.Report(), Json.TimelineReport);
            });
        }
        app.MapGet("/api/baselines", () => Results.Json(baselines.Report(), Json.ListBaselineReport));
        app.MapPost("/api/baselines", async (HttpContext context) =>
        {
            var request = context.Request;
            if (request.Query.ContainsKey("offset"))
            {
                string name = request.Query["name"].ToString();
                string text = request.Query["offset"].ToString();
                double? offset;
                try
                {
                    offset = text == "auto" ? null : Number(text, "offset");
                    if (!await baselines.SetOffsetAsync(name, offset, context.RequestAborted))
                        return Results.Text($"no baseline is named {RecordedPlot.Shown(name)}\n", statusCode: StatusCodes.Status404NotFound);
                }
                catch (ArgumentException e)
                {
                    return Results.Text(e.Message.Split(" (Parameter")[0] + "\n", statusCode: StatusCodes.Status400BadRequest);
                }
                return Results.Json(baselines.Report(), Json.ListBaselineReport);
            }
            // An upload: the recording is the body, read whole (at most MaxUploadBytes) before anything is loaded.
            if (request.ContentLength > BaselineRuns.MaxUploadBytes) return TooLarge();
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = BaselineRuns.MaxUploadBytes;
            var body = new MemoryStream();
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (body.Length + read > BaselineRuns.MaxUploadBytes) return TooLarge();
                body.Write(buffer, 0, read);
            }
            var bytes = body.ToArray();
            try
            {
                string name = await baselines.AddAsync(request.Query["name"].ToString(), () => new MemoryStream(bytes, writable: false), context.RequestAborted);
                return Results.Json(baselines.Report(), Json.ListBaselineReport);
            }
            catch (InvalidDataException e)
            {
                return Results.Text($"not a recording: {e.Message.ReplaceLineEndings(" ")}\n", statusCode: StatusCodes.Status400BadRequest);
            }
        });
    }

    private static IResult TooLarge() =>
        Results.Text($"a baseline sent from the page may be at most {BaselineRuns.MaxUploadBytes >> 20} MiB; open a larger one with --baseline FILE\n", statusCode: StatusCodes.Status413PayloadTooLarge);

    private static double SpeedOf(string text) => text == "max" ? double.PositiveInfinity : Number(text, "speed");

    private static double Number(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new ArgumentException($"{name}={RecordedPlot.Shown(text)} is not a number");
}

/// <summary>Source-generated JSON for the timeline and baseline calls.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TimelineReport))]
[JsonSerializable(typeof(List<BaselineReport>))]
internal sealed partial class PlaybackJson : JsonSerializerContext;
