using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Who may look at a viewer: the token every request must carry (none for an open loopback viewer) and the extra
/// host names it answers to behind a proxy.
/// </summary>
internal sealed class ViewerAccess
{
    private ViewerAccess(string? token, IReadOnlyList<string> allowedHosts)
    {
        Token = token;
        AllowedHosts = allowedHosts;
    }

    /// <summary>The secret a request must present, or null when the viewer is open to anyone who can reach it.</summary>
    public string? Token { get; }

    /// <summary>Extra names the Host and Origin checks accept (names a proxy forwards), besides the viewer's own.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>
    /// A viewer guarded by <paramref name="token"/> (null: a fresh random one) that also answers to
    /// <paramref name="allowedHosts"/>; a token outside <see cref="AccessToken"/>'s rule throws <see cref="ArgumentException"/>
    /// naming the characters allowed, as producers and the Hello could not carry it.
    /// </summary>
    public static ViewerAccess WithToken(string? token = null, IEnumerable<string>? allowedHosts = null)
    {
        if (token is not null && AccessToken.ViewerProblem(token) is { } problem)
            throw new ArgumentException($"the token {problem}");
        return new ViewerAccess(token ?? NewToken(), CheckHosts(allowedHosts));
    }

    /// <summary>A viewer without a token: anyone who can reach its port may look. Only for loopback on a single-user machine.</summary>
    public static ViewerAccess Open(IEnumerable<string>? allowedHosts = null) => new(null, CheckHosts(allowedHosts));

    /// <summary>A fresh token: 192 random bits, base64url (within <see cref="AccessToken"/>'s rule), so it goes into URLs and cookies unescaped.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Whether <paramref name="host"/> (a --host value) binds only to loopback, where the token may be switched off.</summary>
    public static bool IsLoopback(string host) =>
        host == "localhost" || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);

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
