using System.Text;
using Microsoft.AspNetCore.Http;

namespace PlotPipe.Viewer.Serve;

/// <summary>The body of <c>POST /api/derived</c>: one rule, <c>NAME = EXPRESSION</c>, as UTF-8 text of at most <see cref="MaxBytes"/>.</summary>
internal static class DerivedRule
{
    /// <summary>The longest rule the page may send, in bytes.</summary>
    public const int MaxBytes = 4096;

    /// <summary>Reads the rule (a final newline dropped); null with why for an empty, overlong or undecodable body.</summary>
    public static async Task<(string? Text, string? Problem)> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > MaxBytes) return (null, TooLong);
        var buffer = new byte[MaxBytes + 1];
        int length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel)) > 0) length += read;
        if (length > MaxBytes) return (null, TooLong);
        string text;
        try
        {
            // Positions in a refusal count from the text's start, as the page's box shows it: only a final newline goes.
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length).TrimEnd('\r', '\n');
        }
        catch (DecoderFallbackException e)
        {
            return (null, $"the rule is not UTF-8 text (byte {e.Index + 1})");
        }
        return text.Trim().Length == 0 ? (null, "send the rule as the body, as in loss_ema = ema(loss, 0.9)") : (text, null);
    }

    private static string TooLong => $"a rule may be at most {MaxBytes} bytes";
}
