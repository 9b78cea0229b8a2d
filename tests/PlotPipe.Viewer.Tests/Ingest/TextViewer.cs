using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// A real viewer process started with any arguments (a FILE, --stdin, --x ...), its standard input open for
/// text, its API read with its token, and its standard error kept.
/// </summary>
internal sealed class TextViewer : IDisposable
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly List<string> _errors;

    private TextViewer(Process process, Uri url, List<string> errors)
    {
        _process = process;
        Url = url;
        _errors = errors;
    }

    /// <summary>The page's address with its token.</summary>
    public Uri Url { get; }

    /// <summary>The viewer's standard input.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The lines the viewer wrote to standard error so far.</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join('\n', _errors); }
    }

    /// <summary>Starts the viewer (no browser, a free port) with <paramref name="args"/> and waits for its address.</summary>
    public static async Task<TextViewer> StartAsync(params string[] args)
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                lock (errors) throw new InvalidOperationException($"viewer exited before its address: {string.Join('\n', errors)}");
            }
            const string prefix = "PlotPipe viewer: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return new TextViewer(process, new Uri(line[prefix.Length..]), errors);
        }
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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
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

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after 20 s.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"waited 20 s for {what}; errors {Errors}");
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

    private string Token => Url.Query.Split("token=")[1];

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
