using System.Text;
using Microsoft.AspNetCore.Http;
using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Lets through only requests that carry the viewer's token, as Jupyter does: in an <c>Authorization: Bearer</c>
/// header, a <c>?token=</c> query or the cookie the page got for it. A page opened with <c>?token=</c> trades it for
/// the cookie and is sent back to the same path without it, so the token leaves the address bar and history.
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
            if (!IsPage(request)) return true;
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
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"PlotPipe\"";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync("this viewer needs its token: open the address it printed (http://HOST:PORT/?token=...), or send Authorization: Bearer TOKEN\n").ConfigureAwait(false);
        return false;
    }

    // Scripts pass the token on every call; only a browser opening a page is worth a cookie and a redirect.
    private static bool IsPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/ws");

    private bool Matches(ReadOnlySpan<char> candidate) => AccessToken.Matches(candidate, _token);
}
