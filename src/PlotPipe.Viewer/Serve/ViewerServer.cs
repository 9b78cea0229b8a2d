using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Query;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Serve;

/// <summary>The viewer's Kestrel server: the page, its assets, the JSON API and the live WebSocket.</summary>
internal sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _openPages;

    private ViewerServer(WebApplication app, Uri url, string? token)
    {
        _app = app;
        Url = url;
        Token = token;
    }

    /// <summary>The page's address, with <c>?token=</c> when the viewer has one: the address to open or print.</summary>
    public Uri Url { get; }

    /// <summary>The token every request must carry, or null for an open viewer.</summary>
    public string? Token { get; }

    /// <summary>WebSocket connections open now.</summary>
    public int OpenPages => Volatile.Read(ref _openPages);

    /// <summary>Raised when a page connects or disconnects.</summary>
    public event Action? PagesChanged;

    /// <summary>The folder the page's files are served from: next to the viewer's assembly.</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "plotpipe-web");

    /// <summary>
    /// Starts listening on <paramref name="host"/>:<paramref name="port"/> (0: a free port) and serves <paramref name="store"/>
    /// to the requests <paramref name="access"/> lets through. A viewer without a token must bind to loopback.
    /// <paramref name="export"/> answers <c>/api/export</c> (Hosting gives the recording stage's; without it, 404);
    /// <paramref name="routes"/> maps more calls behind the same checks (the recording stage's timeline and baselines);
    /// <paramref name="derive"/> adds a derived series rule for <c>POST /api/derived</c>, giving its name or why not.
    /// </summary>
    public static async Task<ViewerServer> StartAsync(string host, int port, ViewerAccess access, PlotStore store, ViewerStatus status, CancellationToken cancel, RequestDelegate? export = null, Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder>? routes = null,
        Func<string, (string? Name, string? Problem)>? derive = null)
    {
        var address = ParseAddress(host);
        if (access.Token is null && !IPAddress.IsLoopback(address))
            throw new ArgumentException($"--no-token is refused with --host {host}: anyone who can reach the port could read every point", nameof(access));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // A port that cannot be bound is said by the viewer in one line (Hosting/ViewerApp), not logged with its trace.
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning && !(level == LogLevel.Error && category == "Microsoft.Extensions.Hosting.Internal.Host"));
        // Logs go to standard error: standard output carries only the address line a spawning producer reads.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.UseKestrel(k => k.Listen(address, port));
        // The viewer handles stop signals itself (Hosting/StopSignals); the host's console lifetime would swallow SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        // Pages close at once on stopping (below); this bounds whatever else holds a connection open.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));

        var app = builder.Build();
        ViewerServer? server = null;
        // The guards need the bound port, known only once Kestrel has started.
        HostGuard? hosts = null;
        TokenGuard? tokens = null;
        app.Use(async (context, next) =>
        {
            // Host and Origin first: a rebinding page is refused before it learns anything, even whether a token is needed.
            var problem = hosts is null ? "the viewer is still starting" : hosts.Check(context.Request);
            if (problem is not null)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(problem + "\n");
                return;
            }
            if (tokens is not null && !await tokens.PassAsync(context)) return;
            await next(context);
        });
        var files = new PhysicalFileProvider(WebRoot);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ServeUnknownFileTypes = false });

        app.MapGet("/api/status", () => Results.Json(status.Report(), JsonContext.Api.StatusReport));
        // The exact points of an x range as CSV or Arrow, streamed from the store (issue 11, docs/recording.md).
        if (export is not null) app.MapGet("/api/export", export);
        List<SeriesReport> SeriesRows(string? derived)
        {
            var rows = new List<SeriesReport>();
            foreach (var s in store.Series)
            {
                if (derived is not null && !(s.Derived && s.Name == derived)) continue;
                rows.Add(new SeriesReport(s.Name, s.Definition.Format, s.Count, s.Kind == SeriesKind.Line ? "line" : "scatter", s.Color,
                    s.Producer, s.Definition.Panel, (s.Definition.Flags & SeriesFlags.TimeX) != 0,
                    s.Producer, s.DarkColor, SeriesPalette.DashName(s.Look.LineStyle), s.Look.Marker?.ToString(), store.IsBaseline(s), s.Derived, s.Expression, s.Smooths?.Name));
            }
            return rows;
        }
        app.MapGet("/api/series", () => Results.Json(SeriesRows(null), JsonContext.Api.ListSeriesReport));
        // A derived series defined from the page (docs/markers-alerts-derived.md): the rule is the body, as text.
        if (derive is not null) app.MapPost("/api/derived", async (HttpContext context) =>
        {
            var (text, problem) = await DerivedRule.ReadAsync(context.Request, context.RequestAborted);
            if (text is not null)
            {
                (string? name, problem) = derive(text);
                if (name is not null) return Results.Json(SeriesRows(name), JsonContext.Api.ListSeriesReport);
            }
            return Results.Text(problem + "\n", statusCode: StatusCodes.Status400BadRequest);
        });
        routes?.Invoke(app);
        app.MapGet("/api/producers", () =>
        {
            var rows = new List<ProducerReport>();
            foreach (var p in store.ProducerStates)
                rows.Add(new ProducerReport(p.Name, p.State.ToString().ToLowerInvariant(), p.Points, p.Dropped, p.BadLines, p.Address));
            return Results.Json(rows, JsonContext.Api.ListProducerReport);
        });
        app.MapGet("/api/events", (HttpContext context) => EventsReport.WriteAsync(context, store.Events));
        app.MapGet("/api/plot", () => Results.Json(PlotReportOf(store), JsonContext.Api.PlotReport));
        app.MapGet("/api/nearest", (HttpContext context) =>
        {
            var q = context.Request.Query;
            if (!NearestQuery.TryParse(q["x"], q["panel"], q["hidden"], out double x, out int? panel, out int[] hidden, out var error))
                return Results.Text(error + "\n", statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new NearestReport(x, NearestQuery.Find(store, x, panel, hidden)), JsonContext.Api.NearestReport);
        });
        app.Map("/ws", async (HttpContext context) =>
        {
            // The page's socket is upgraded by ViewSocket itself, so a bad message ends in a close, not a reset.
            using var socket = await ViewSocket.AcceptAsync(context);
            if (socket is null) return;
            server!.PageOpened();
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app.Lifetime.ApplicationStopping);
            try
            {
                await ViewSocket.RunAsync(socket, store, status, closing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
            {
                // A page that disappears mid-send is ordinary; the viewer carries on.
            }
            finally
            {
                server.PageClosed();
            }
        });

        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var url = new UriBuilder("http", HostGuard.ReachableName(host), bound.Port, "/")
        {
            Query = access.Token is null ? "" : $"{TokenGuard.QueryName}={access.Token}",
        }.Uri;
        if (access.Token is not null) tokens = new TokenGuard(access.Token, bound.Port);
        hosts = new HostGuard(host, bound.Port, access.AllowedHosts);
        server = new ViewerServer(app, url, access.Token);
        return server;
    }

    private void PageOpened()
    {
        Interlocked.Increment(ref _openPages);
        PagesChanged?.Invoke();
    }

    private void PageClosed()
    {
        Interlocked.Decrement(ref _openPages);
        PagesChanged?.Invoke();
    }

    private static IPAddress ParseAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(host, out var ip) => ip,
        _ => throw new ArgumentException($"--host \"{host}\" is not an IP address (use 127.0.0.1, 0.0.0.0 or a local interface's address)", nameof(host)),
    };

    // Starts and stops with the host and nothing else: no signal handlers, no waiting on process exit.
    private sealed class NoConsoleLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static PlotReport PlotReportOf(PlotStore store)
    {
        var panels = new List<PanelReport>();
        foreach (var p in store.Plot.Panels)
            panels.Add(new PanelReport(p.Id, p.Title, p.XLabel, p.YLabel, AxisKinds.Name(p.XScale), AxisKinds.Name(p.YScale), p.LinkX));
        return new PlotReport(store.Plot.Title, store.Producers, panels);
    }
}
