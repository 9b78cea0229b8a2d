using Microsoft.AspNetCore.Http;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Refuses requests whose Host or Origin is not this viewer's own address, so a web page elsewhere cannot
/// read the data through DNS rebinding or open the WebSocket from another origin.
/// </summary>
public sealed class LocalRequestGuard
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Allows the loopback names and <paramref name="boundHost"/>, each with <paramref name="port"/>.</summary>
    public LocalRequestGuard(string boundHost, int port)
    {
        foreach (var h in new[] { "127.0.0.1", "localhost", "[::1]", boundHost })
        {
            var name = h.Contains(':') && !h.StartsWith('[') ? $"[{h}]" : h;
            _hosts.Add($"{name}:{port}");
        }
    }

    /// <summary>Null when the request may go on, else the reason to refuse it.</summary>
    public string? Check(HttpRequest request)
    {
        var host = request.Host.Value ?? "";
        if (!_hosts.Contains(host)) return $"Host \"{host}\" is not this viewer's address";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme != "http" || !_hosts.Contains($"{o.Host}:{o.Port}") && !_hosts.Contains($"[{o.Host.Trim('[', ']')}]:{o.Port}"))
            return $"Origin \"{origin}\" is not this viewer's page";
        return null;
    }
}
