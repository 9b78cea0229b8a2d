using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Lets through only requests that carry the viewer's token, as Jupyter does: in an <c>Authorization: Bearer</c>
/// header, a <c>?token=</c> query or the cookie the page got for it. A page opened with <c>?token=</c> trades it for
/// the cookie and is sent back to the same path without it, so the token leaves the address bar and history. A page
/// opened in a frame (Jupyter's output cell, of another site, where a SameSite=Strict cookie never travels) keeps
/// the token in its address instead, and what it loads is let through by the token in its Referer.
/// </summary>
internal sealed class TokenGuard
{
    /// <summary>The query parameter that carries the token.</summary>
    public const string QueryName = "token";

    private readonly byte[] _token;

    /// <summary>Guards with <paramref name="token"/>; the cookie is named after <paramref name="port"/> because cookies ignore ports.</summary>
    public TokenGuard(string token, int port)
    {
        _token = Encoding.UTF8.GetBytes(token);
        CookieName = $"plotpipe-token-{port}";
    }

    /// <summary>The cookie the page keeps the token in.</summary>
    public string CookieName { get; }

    /// <summary>True when <paramref name="context"/>'s request carries the token and may go on; otherwise it has been answered (401, or the page's redirect).</summary>
    public async Task<bool> PassAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(authorization.AsSpan(7).Trim()))
            return true;
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie))
            return true;
        if (request.Query.TryGetValue(QueryName, out var query) && query.Count == 1 && Matches(query[0]))
        {
            // A page in a frame of another site (a notebook's output cell) would get a cookie its frame never sends
            // back (SameSite=Strict): it is served with the token left in its address, as the notebook holds it.
            if (!IsPage(request) || IsFramed(request)) return true;
            context.Response.Cookies.Append(CookieName, query[0]!, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            // Back to the same page; "//host" or "/\\host" would leave the viewer, so those go to the root.
            var path = (request.PathBase + request.Path).ToUriComponent();
            if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal)) path = "/";
            context.Response.Headers.Location = path;
            context.Response.Headers.CacheControl = "no-store";
            return false;
        }
        // What such a framed page loads (its scripts, styles, fetches) names it as the Referer, token and all.
        if (TokenOfReferer(request, out bool ownPage) is { } referred && Matches(referred))
            return true;
        // Its modules import one another with a module, not the page, as the Referer: the page's scripts and styles
        // (the same for every viewer, holding no data) are let through to a same-origin load from this viewer's own
        // pages. The page itself, the API and the WebSocket still need the token.
        if (ownPage && IsScriptOrStyle(request) && request.Headers["Sec-Fetch-Site"].ToString() == "same-origin")
            return true;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"PlotPipe\"";
        context.Response.Headers.CacheControl = "no-store";
        // A token that was given but is not this one is most often an earlier viewer's (an old address or cookie on a reused port).
        bool given = authorization.Length > 0 || request.Query.ContainsKey(QueryName) || request.Cookies.ContainsKey(CookieName);
        await context.Response.WriteAsync(given
            ? "the token given is not this viewer's (each viewer makes a new one unless --token or PLOTPIPE_TOKEN sets it): open the address it printed (http://HOST:PORT/?token=...), or send Authorization: Bearer TOKEN\n"
            : "this viewer needs its token: open the address it printed (http://HOST:PORT/?token=...), or send Authorization: Bearer TOKEN\n").ConfigureAwait(false);
        return false;
    }

    // Scripts pass the token on every call; only a browser opening a page is worth a cookie and a redirect.
    private static bool IsPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/ws");

    private static bool IsFramed(HttpRequest request) =>
        request.Headers["Sec-Fetch-Dest"].ToString() is "iframe" or "frame";

    // Only a Referer of this viewer's own pages counts: same host and port as the request.
    private static string? TokenOfReferer(HttpRequest request, out bool ownPage)
    {
        ownPage = false;
        var referer = request.Headers.Referer.ToString();
        if (referer.Length == 0 || !Uri.TryCreate(referer, UriKind.Absolute, out var from)) return null;
        if (!string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)) return null;
        ownPage = true;
        return QueryHelpers.ParseQuery(from.Query).TryGetValue(QueryName, out var tokens) && tokens.Count == 1 ? tokens[0] : null;
    }

    private static bool IsScriptOrStyle(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        return HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api")
            && (path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal));
    }

    private bool Matches(ReadOnlySpan<char> candidate) => AccessToken.Matches(candidate, _token);
}
