using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Who may look at a viewer: the token every request must carry (none for an open loopback viewer) and the extra
/// host names it answers to behind a proxy.
/// </summary>
internal sealed class ViewerAccess
{
    /// <summary>Shortest token accepted from the user: anything shorter could be guessed.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Longest token accepted; it travels in URLs, cookies and headers.</summary>
    public const int MaxTokenLength = 256;

    private ViewerAccess(string? token, IReadOnlyList<string> allowedHosts)
    {
        Token = token;
        AllowedHosts = allowedHosts;
    }

    /// <summary>The secret a request must present, or null when the viewer is open to anyone who can reach it.</summary>
    public string? Token { get; }

    /// <summary>Extra names the Host and Origin checks accept (names a proxy forwards), besides the viewer's own.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>A viewer guarded by <paramref name="token"/> (null: a fresh random one) that also answers to <paramref name="allowedHosts"/>.</summary>
    public static ViewerAccess WithToken(string? token = null, IEnumerable<string>? allowedHosts = null)
    {
        if (token is not null) CheckToken(token);
        return new ViewerAccess(token ?? NewToken(), CheckHosts(allowedHosts));
    }

    /// <summary>A viewer without a token: anyone who can reach its port may look. Only for loopback on a single-user machine.</summary>
    public static ViewerAccess Open(IEnumerable<string>? allowedHosts = null) => new(null, CheckHosts(allowedHosts));

    /// <summary>A fresh token: 192 random bits, base64url, so it goes into URLs and cookies unescaped.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Whether <paramref name="host"/> (a --host value) binds only to loopback, where the token may be switched off.</summary>
    public static bool IsLoopback(string host) =>
        host == "localhost" || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);

    private static void CheckToken(string token)
    {
        if (token.Length is < MinTokenLength or > MaxTokenLength)
            throw new ArgumentException($"a token of {token.Length} characters is refused: use {MinTokenLength} to {MaxTokenLength}");
        foreach (char c in token)
        {
            // Unreserved URL characters only: the token must survive URLs, cookies and headers unchanged.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
                throw new ArgumentException($"the token contains '{c}': use letters, digits, '-', '_', '.' and '~' only");
        }
    }

    private static string[] CheckHosts(IEnumerable<string>? hosts)
    {
        var list = new List<string>();
        foreach (var h in hosts ?? [])
        {
            var name = h.Trim();
            if (name.Length == 0 || name.Length > 253 || name.Contains('/') || name.Contains('@') || name.Any(char.IsWhiteSpace))
                throw new ArgumentException($"--allow-host \"{h}\" is not a host name");
            list.Add(name);
        }
        return [.. list];
    }
}
