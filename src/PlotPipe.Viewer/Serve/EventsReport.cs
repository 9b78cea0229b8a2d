using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// <c>GET /api/events[?since=N]</c>: the markers held, oldest first, as a JSON array; <c>since</c> lists only those
/// after sequence number N, so a reader that keeps the last <c>seq</c> it saw pages through them without repeats.
/// </summary>
internal static class EventsReport
{
    /// <summary>Writes the markers after <c>?since=</c> (all without it), or a 400 naming a bad <c>since</c>.</summary>
    public static async Task WriteAsync(HttpContext context, PlotEvents events)
    {
        long since = 0;
        var text = context.Request.Query["since"];
        if (text.Count > 0 && (!long.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out since) || text.Count > 1))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"since \"{text}\" is not a sequence number: give one whole number, 0 or more (the last seq seen)\n");
            return;
        }
        var held = events.Snapshot(since);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, JsonContext.Writer);
        json.WriteStartArray();
        foreach (var h in held)
        {
            json.WriteStartObject();
            json.WriteNumber("seq"u8, h.Seq);
            h.WriteFields(json);
            json.WriteEndObject();
            // Many thousands of markers make a large answer: hand it on in pieces rather than buffer it whole.
            if (json.BytesPending > 1 << 16) await json.FlushAsync(context.RequestAborted);
        }
        json.WriteEndArray();
        await json.FlushAsync(context.RequestAborted);
    }
}
