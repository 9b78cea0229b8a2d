using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PlotPipe.Viewer.Serve;

/// <summary>
/// Refuses requests whose Host or Origin is not a name this viewer is reached by, so a web page elsewhere cannot
/// read the data through DNS rebinding or open the WebSocket from another origin. Bound to loopback, only the
/// loopback names count; bound to another address, also the machine's addresses and host name, and the names a
/// proxy forwards (<see cref="ViewerAccess.AllowedHosts"/>, on any port).
/// </summary>
internal sealed class HostGuard
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _proxied = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _port;

    /// <summary>Accepts the names <paramref name="boundHost"/> is reached by on <paramref name="port"/>, and <paramref name="allowedHosts"/> on any port.</summary>
    public HostGuard(string boundHost, int port, IEnumerable<string> allowedHosts)
    {
        _port = port;
        foreach (var name in NamesFor(boundHost)) _names.Add(name);
        foreach (var h in allowedHosts) _proxied.Add(Bracketed(new HostString(h).Host));
    }

    /// <summary>The names accepted on the viewer's own port (IPv6 addresses in brackets).</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>Null when the request may go on, else the reason to refuse it.</summary>
    public string? Check(HttpRequest request)
    {
        var host = request.Host;
        if (!host.HasValue || !Accepts(host.Host, host.Port ?? 80, "http"))
            return $"Host \"{host.Value}\" is not this viewer's address";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !Accepts(o.Host, o.Port, o.Scheme))
            return $"Origin \"{origin}\" is not this viewer's page";
        return null;
    }

    private bool Accepts(string name, int port, string scheme)
    {
        name = Bracketed(name);
        // A proxy may serve the page on its own port and over TLS; the viewer's own names are plain HTTP on its port.
        if (_proxied.Contains(name)) return scheme is "http" or "https";
        return scheme == "http" && port == _port && _names.Contains(name);
    }

    /// <summary>
    /// The address a browser should open: the bound address itself, or for a wildcard binding the machine's first
    /// IPv4 address on an interface that is up (else its host name), so a browser elsewhere can reach it.
    /// </summary>
    public static string ReachableName(string boundHost)
    {
        if (ViewerAccess.IsLoopback(boundHost)) return boundHost == "localhost" ? "127.0.0.1" : boundHost;
        if (!IsWildcard(boundHost)) return boundHost;
        foreach (var address in InterfaceAddresses())
        {
            if (address.AddressFamily == AddressFamily.InterNetwork && !IsLinkLocal(address)) return address.ToString();
        }
        return Dns.GetHostName();
    }

    private static IEnumerable<string> NamesFor(string boundHost)
    {
        yield return "127.0.0.1";
        yield return "localhost";
        yield return "[::1]";
        yield return Bracketed(boundHost);
        if (ViewerAccess.IsLoopback(boundHost)) yield break;
        // Local facts only: resolving names through DNS would send traffic off the machine.
        var properties = IPGlobalProperties.GetIPGlobalProperties();
        yield return properties.HostName;
        if (properties.DomainName.Length > 0) yield return $"{properties.HostName}.{properties.DomainName}";
        yield return Dns.GetHostName();
        if (!IsWildcard(boundHost)) yield break;
        foreach (var address in InterfaceAddresses())
        {
            var bare = new IPAddress(address.GetAddressBytes());
            yield return Bracketed(bare.ToString());
        }
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "[::]";

    private static bool IsLinkLocal(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? a.GetAddressBytes() is [169, 254, ..]
        : a.IsIPv6LinkLocal;

    private static List<IPAddress> InterfaceAddresses()
    {
        var found = new List<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
                foreach (var u in nic.GetIPProperties().UnicastAddresses)
                {
                    if (!IPAddress.IsLoopback(u.Address)) found.Add(u.Address);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Without the interface list the loopback names and the host name still work.
        }
        return found;
    }

    private static string Bracketed(string host) =>
        host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
}
