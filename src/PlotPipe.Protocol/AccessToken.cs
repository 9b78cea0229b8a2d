using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PlotPipe.Protocol;

/// <summary>
/// The one rule for a viewer's access token, shared by the viewer's start (<c>--token</c>, <c>PLOTPIPE_TOKEN</c>),
/// every producer and the Hello frame: at most 256 ASCII letters, digits, '-' and '_' (the base64url alphabet the
/// viewer's own tokens are made of), so a token travels in URLs, cookies, headers and the Hello unescaped. A viewer
/// takes a token as its own only from <see cref="MinViewerLength"/> characters on, as shorter ones could be guessed.
/// </summary>
public static class AccessToken
{
    /// <summary>The characters a token takes, in words, as every message about a token names them.</summary>
    public const string AllowedCharacters = "ASCII letters, digits, '-' and '_'";

    /// <summary>Longest token, in characters (one byte each in the Hello).</summary>
    public const int MaxLength = ProtocolLimits.MaxTokenBytes;

    /// <summary>Shortest token a viewer takes as its own: anything shorter could be guessed.</summary>
    public const int MinViewerLength = 16;

    /// <summary>Whether <paramref name="c"/> may stand in a token.</summary>
    public static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    // Index of the first character of the token that a token may not hold, or -1.
    private static int FirstBadCharacter(ReadOnlySpan<char> token)
    {
        for (int i = 0; i < token.Length; i++)
        {
            if (!IsAllowed(token[i])) return i;
        }
        return -1;
    }

    /// <summary>Index of the first byte of a Hello's <paramref name="token"/> a token may not hold, or -1.</summary>
    internal static int FirstBadByte(ReadOnlySpan<byte> token)
    {
        for (int i = 0; i < token.Length; i++)
        {
            if (!(token[i] < 0x80 && IsAllowed((char)token[i]))) return i;
        }
        return -1;
    }

    /// <summary>
    /// Why <paramref name="token"/> cannot be sent in a Hello (too long, or a character outside the rule), as a phrase
    /// to follow the token's name ("Token has '.' at character 9; ..."), or null when it can.
    /// </summary>
    public static string? Problem(ReadOnlySpan<char> token)
    {
        if (token.Length > MaxLength) return $"is {token.Length} characters; a token takes at most {MaxLength} {AllowedCharacters}";
        int bad = FirstBadCharacter(token);
        if (bad < 0) return null;
        char c = token[bad];
        string shown = c is > ' ' and <= '~' ? $"'{c}'" : $"U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}";
        return $"has {shown} at character {bad + 1}; a token takes {AllowedCharacters} only";
    }

    /// <summary>
    /// Why a viewer cannot take <paramref name="token"/> as its own (<see cref="Problem"/>, or shorter than
    /// <see cref="MinViewerLength"/>), or null when it can.
    /// </summary>
    public static string? ViewerProblem(ReadOnlySpan<char> token)
    {
        if (token.Length is < MinViewerLength or > MaxLength)
            return $"is {token.Length} characters; a token takes {MinViewerLength} to {MaxLength} {AllowedCharacters}";
        return Problem(token);
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> (from a request or a Hello) is <paramref name="token"/> (its UTF-8 bytes),
    /// compared in constant time, so the answer's timing does not reveal how much of a guess was right.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> candidate, ReadOnlySpan<byte> token)
    {
        if (candidate.Length == 0 || candidate.Length > MaxLength) return false;
        Span<byte> bytes = stackalloc byte[MaxLength * 3];
        int n = Encoding.UTF8.GetBytes(candidate, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..n], token);
    }
}
