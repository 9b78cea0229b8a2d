using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>A real viewer process started with <c>--listen</c>: its page's address, its producers' port, its JSON API.</summary>
internal sealed class ListeningViewer : IDisposable
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly List<string> _errors;

    private ListeningViewer(Process process, Uri url, string producers, List<string> errors)
    {
        _process = process;
        Url = url;
        ProducersAddress = producers;
        _errors = errors;
    }

    /// <summary>The page's address as printed, with <c>?token=</c>.</summary>
    public Uri Url { get; }

    /// <summary>The producers' address as printed: <c>tcp://HOST:PORT</c>.</summary>
    public string ProducersAddress { get; }

    /// <summary>The bound producers' port (connect through 127.0.0.1 whatever the host).</summary>
    public int ProducerPort => int.Parse(ProducersAddress[(ProducersAddress.LastIndexOf(':') + 1)..]);

    /// <summary>The viewer's token, from its printed address ("" with --no-token).</summary>
    public string Token => Url.Query.Contains("token=") ? Uri.UnescapeDataString(Url.Query.Split("token=")[1].Split('&')[0]) : "";

    /// <summary>The viewer's standard input (read with --stdin).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>What the viewer wrote to standard error so far.</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>Starts the viewer listening on <paramref name="listen"/> and waits for both address lines.</summary>
    public static async Task<ListeningViewer> StartAsync(string listen, params string[] extraArgs)
    {
        var (process, errors) = Spawn(listen, extraArgs);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Uri? url = null;
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"viewer exited before printing its addresses: {string.Join('\n', errors)}");
                if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) url = new Uri(line["PlotPipe viewer: ".Length..].Trim());
                else if (line.StartsWith("PlotPipe producers: ", StringComparison.Ordinal))
                {
                    Assert.NotNull(url); // the page's line comes first
                    return new ListeningViewer(process, url, line["PlotPipe producers: ".Length..].Trim(), errors);
                }
            }
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>Runs a viewer that should refuse to start: its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunRefusedAsync(string listen, params string[] extraArgs)
    {
        var (process, errors) = Spawn(listen, extraArgs);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            lock (errors) return (process.ExitCode, output, string.Join('\n', errors));
        }
        finally
        {
            Kill(process);
        }
    }

    private static (Process, List<string>) Spawn(string listen, string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"), "--no-browser", "--port", "0", "--listen", listen }) info.ArgumentList.Add(a);
        foreach (var a in extraArgs) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the viewer");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
        process.BeginErrorReadLine();
        return (process, errors);
    }

    /// <summary>GET <paramref name="path"/> (e.g. "api/producers") with the token, as parsed JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, path));
        if (Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) throw new TimeoutException($"waited {seconds} s for {what}; viewer said: {Errors}");
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the viewer.</summary>
    public void Dispose() => Kill(_process);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }
}
