using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Tests.Support;

namespace PlotPipe.Tests.Connect;

/// <summary>
/// The producers' side of the one token rule (AccessToken): the .NET options and the Python client take a token
/// character exactly when the viewer and the Hello do, and a token of every allowed character works end to end.
/// </summary>
public sealed class TokenRuleTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    [Theory]
    [InlineData("abcdefgh.ijklmnop", '.')]
    [InlineData("abcdefgh~ijklmnop", '~')]
    public async Task LivePlot_refuses_a_dot_or_a_tilde_in_its_token_naming_it_and_the_allowed_characters(string token, char bad)
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => LivePlot.ConnectAsync("tcp://127.0.0.1:1", new LivePlotOptions { Token = token }));
        Assert.Equal("Token", e.ParamName);
        Assert.StartsWith($"Token has '{bad}' at character 9; a token takes ASCII letters, digits, '-' and '_' only", e.Message);
    }

    [Fact]
    public async Task LivePlot_takes_a_token_character_exactly_when_the_rule_does()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        for (int c = 1; c < 0x180; c++)
        {
            var options = new LivePlotOptions { Token = "abcdefghijklmno" + (char)c };
            // Checked before connecting: an allowed token gets as far as the (cancelled) connection.
            var e = await Record.ExceptionAsync(() => LivePlot.ConnectAsync("tcp://127.0.0.1:1", options, cancelled.Token));
            Assert.True(AccessToken.IsAllowed((char)c) ? e is OperationCanceledException : e is ArgumentException, $"U+{c:X4}: {e}");
        }
    }

    [Fact]
    public async Task Python_client_takes_a_token_character_exactly_when_the_rule_does()
    {
        // Each character's verdict from connect() itself: ValueError for the token, or the refused connection after it
        // (timeout=0: one try, no waiting for a viewer that will never listen).
        const string script = """
            import plotpipe
            for c in range(1, 0x180):
                try:
                    plotpipe.connect("tcp://127.0.0.1:1", token="abcdefghijklmno" + chr(c), timeout=0)
                    print(c, "connected")
                except ValueError as e:
                    print(c, "refused", e)
                except OSError:
                    print(c, "allowed")
            """;
        var (code, output, errors) = await PythonAsync(script);
        Assert.True(code == 0, $"python3 exited with {code}: {errors}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0x17F, lines.Length);
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 3);
            char c = (char)int.Parse(parts[0]);
            Assert.True(parts[1] == (AccessToken.IsAllowed(c) ? "allowed" : "refused"), $"U+{(int)c:X4}: {line}");
            // The same words as the .NET producer's and the viewer's.
            if (parts[1] == "refused") Assert.EndsWith($"; a token takes {AccessToken.AllowedCharacters} only", parts[2]);
        }
    }

    [Fact]
    public async Task A_token_of_every_allowed_character_works_from_dotnet_and_from_python()
    {
        var (process, producers, page) = await StartViewerAsync("--token", Alphabet);
        using var viewer = process;
        using var api = new ViewerApi(page);
        await using (var plot = await LivePlot.ConnectAsync(producers, new LivePlotOptions { Token = Alphabet, ProducerName = "dotnet" }))
        {
            var line = plot.Line("loss");
            for (int i = 0; i < 100; i++) line.Add(i, i);
            plot.Finish();
            await plot.Completion;
        }
        var (code, _, errors) = await PythonAsync($$"""
            import plotpipe
            with plotpipe.connect("{{producers}}", token="{{Alphabet}}", name="python") as plot:
                s = plot.line("loss")
                for i in range(50):
                    s.add(i, i)
            """);
        Assert.True(code == 0, $"python3 exited with {code}: {errors}");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = (await api.JsonAsync("api/producers")).EnumerateArray()
                .Select(r => (r.GetProperty("name").GetString(), r.GetProperty("state").GetString(), r.GetProperty("points").GetInt64())).ToList();
            if (rows.SequenceEqual([("dotnet", "finished", 100L), ("python", "finished", 50L)])) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"producers: {string.Join("; ", rows)}");
            await Task.Delay(20);
        }
        Assert.Equal(0, (await api.JsonAsync("api/status")).GetProperty("refusedProducers").GetInt64());
    }

    // A listening viewer with these arguments: the process (killed on dispose), its producers' and its page's address.
    private static async Task<(Killed Process, string Producers, Uri Page)> StartViewerAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--listen", "127.0.0.1:0", "--no-browser", "--port", "0" }.Concat(args)) start.ArgumentList.Add(a);
        var process = new Killed(Process.Start(start)!);
        process.Value.ErrorDataReceived += (_, _) => { };
        process.Value.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Uri? page = null;
        while (await process.Value.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) page = new Uri(line["PlotPipe viewer: ".Length..]);
            else if (line.StartsWith("PlotPipe producers: ", StringComparison.Ordinal) && page is not null)
                return (process, line["PlotPipe producers: ".Length..].Trim(), page);
        }
        process.Dispose();
        throw new InvalidOperationException("the viewer exited before printing its addresses");
    }

    private sealed class Killed(Process process) : IDisposable
    {
        public Process Value => process;

        public void Dispose()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }

    private static async Task<(int Code, string Output, string Errors)> PythonAsync(string script)
    {
        var client = Path.Combine(Repository.Root(), "clients", "python");
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = client,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONPATH"] = client;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var python = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = python.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = python.StandardError.ReadToEndAsync(timeout.Token);
        await python.WaitForExitAsync(timeout.Token);
        return (python.ExitCode, await output, await errors);
    }
}
