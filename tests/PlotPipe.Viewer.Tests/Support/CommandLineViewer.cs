using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>
/// A real viewer process started with any arguments (a FILE, --stdin, --x, --listen ...), its standard input open
/// for text, its API read with its token, and its standard error kept.
/// </summary>
internal sealed class CommandLineViewer : IDisposable
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly List<string> _errors;

    private CommandLineViewer(Process process, Uri url, string? producers, List<string> errors)
    {
        _process = process;
        Url = url;
        ProducersAddress = producers;
        _errors = errors;
    }

    /// <summary>The page's address with its token.</summary>
    public Uri Url { get; }

    /// <summary>The producers' address as printed with --listen (<c>tcp://HOST:PORT</c>), else null.</summary>
    public string? ProducersAddress { get; }

    /// <summary>The bound producers' port (connect through 127.0.0.1 whatever the host).</summary>
    public int ProducerPort => int.Parse(ProducersAddress![(ProducersAddress!.LastIndexOf(':') + 1)..]);

    /// <summary>The viewer's token, from its printed address ("" with --no-token).</summary>
    public string Token => Url.Query.Contains("token=") ? Uri.UnescapeDataString(Url.Query.Split("token=")[1].Split('&')[0]) : "";

    /// <summary>The viewer's standard input.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The lines the viewer wrote to standard error so far.</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>Starts the viewer (no browser, a free port) with <paramref name="args"/> and waits for its address (and, with --listen, the producers').</summary>
    public static async Task<CommandLineViewer> StartAsync(params string[] args)
    {
        var (process, errors) = Spawn(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Uri? url = null;
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                lock (errors) throw new InvalidOperationException($"viewer exited before its address: {string.Join('\n', errors)}");
            }
            const string prefix = "PlotPipe viewer: ", producers = "PlotPipe producers: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal)) url = new Uri(line[prefix.Length..]);
            // The producers' line comes after the page's.
            else if (line.StartsWith(producers, StringComparison.Ordinal) && url is not null) return new CommandLineViewer(process, url, line[producers.Length..], errors);
            if (url is not null && !args.Contains("--listen")) return new CommandLineViewer(process, url, null, errors);
        }
    }

    /// <summary>Runs a viewer that should refuse to start: its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunRefusedAsync(params string[] args)
    {
        var (process, errors) = Spawn(args);
        using var viewer = new CommandLineViewer(process, new Uri("http://127.0.0.1/"), null, errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        return (await viewer.WaitForExitAsync(), output, viewer.Errors);
    }

    private static (Process, List<string>) Spawn(string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"));
        foreach (var a in args.Concat(["--no-browser", "--port", "0"])) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
        process.BeginErrorReadLine();
        return (process, errors);
    }

    /// <summary>Writes <paramref name="text"/> to the viewer's standard input and flushes it.</summary>
    public async Task WriteAsync(string text)
    {
        await Input.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
        await Input.FlushAsync();
    }

    /// <summary>Ends the viewer's standard input.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>GET <paramref name="path"/> as JSON.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, path));
        if (Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>POST <paramref name="path"/> (a call that changes something, such as <c>api/timeline?play=false</c>); its answer as JSON.</summary>
    public async Task<JsonElement> PostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url, path));
        if (Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>GET <paramref name="path"/> as the text the viewer sent.</summary>
    public async Task<string> GetTextAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, path));
        if (Token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The points held by the series named <paramref name="name"/> (0 when there is none yet).</summary>
    public async Task<long> CountAsync(string name)
    {
        foreach (var s in (await GetAsync("api/series")).EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == name) return s.GetProperty("count").GetInt64();
        }
        return 0;
    }

    /// <summary>Waits up to 20 s for the stream to reach <paramref name="state"/>; returns the status then.</summary>
    public async Task<JsonElement> WaitForStateAsync(string state)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await GetAsync("api/status");
            if (status.GetProperty("state").GetString() == state) return status;
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"waited 20 s for state {state}; status {status}; errors {Errors}");
            await Task.Delay(10);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <paramref name="seconds"/>.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) throw new TimeoutException($"waited {seconds} s for {what}; errors {Errors}");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits up to 20 s for the process to exit; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the viewer.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
