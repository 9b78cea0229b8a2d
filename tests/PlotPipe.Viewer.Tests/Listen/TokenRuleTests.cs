using System.Diagnostics;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Serve;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary>
/// One rule for the token's characters (AccessToken): a token the viewer starts with is one every producer can send
/// in its Hello, and a token outside the rule is refused at start in one line, not at the first producer.
/// </summary>
public sealed class TokenRuleTests
{
    private const string Allowed = "ASCII letters, digits, '-' and '_'";

    [Theory]
    [InlineData("--token", "abcdefgh.ijklmnop", '.')]
    [InlineData("--token", "abcdefgh~ijklmnop", '~')]
    [InlineData(ViewerEnvironment, "abcdefgh.ijklmnop", '.')]
    [InlineData(ViewerEnvironment, "abcdefgh~ijklmnop", '~')]
    public async Task A_token_with_a_dot_or_a_tilde_is_refused_at_start_in_one_line_naming_the_allowed_characters(string from, string token, char bad)
    {
        var (code, output, errors) = await RunAsync(from == ViewerEnvironment ? [] : ["--token", token], from == ViewerEnvironment ? token : null);
        Assert.Equal(2, code);
        Assert.DoesNotContain("PlotPipe viewer:", output);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The line names what to change: the option, or the variable as a shell spells it.
        string named = from == ViewerEnvironment ? $"${ViewerEnvironment}" : from;
        Assert.Equal($"plotpipe: {named}: the token has '{bad}' at character 9; a token takes {Allowed} only", line);
    }

    [Fact]
    public void Every_token_a_viewer_takes_a_Hello_can_carry_and_no_other()
    {
        for (int c = 1; c < 0x180; c++)
        {
            string token = "abcdefghijklmno" + (char)c;
            bool viewer = Record.Exception(() => ViewerAccess.WithToken(token)) is null;
            bool hello = Record.Exception(() => FrameWriter.WriteHello(new System.Buffers.ArrayBufferWriter<byte>(), "p", token)) is null;
            Assert.True(viewer == hello, $"U+{c:X4}: the viewer {(viewer ? "takes" : "refuses")} it, the Hello {(hello ? "carries" : "refuses")} it");
            Assert.Equal(AccessToken.IsAllowed((char)c), viewer);
        }
    }

    [Fact]
    public async Task A_token_of_every_allowed_character_guards_the_page_and_lets_a_raw_Hello_in()
    {
        const string token = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--token", token);
        Assert.Equal(token, viewer.Token);
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "alphabet", token);
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [3, 2, 1]);
            FrameWriter.WriteFinish(w);
        });
        Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
        // The API answers with the token as the Bearer header; the points arrived.
        await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == 3, "3 points");
        Assert.Equal(0, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
    }

    private const string ViewerEnvironment = "PLOTPIPE_TOKEN";

    // A viewer run to its end, with PLOTPIPE_TOKEN set or left out.
    private static async Task<(int Code, string Output, string Errors)> RunAsync(string[] args, string? environmentToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"), "--no-browser", "--port", "0", "--listen", "127.0.0.1:0" }.Concat(args))
            info.ArgumentList.Add(a);
        info.Environment.Remove(ViewerEnvironment);
        if (environmentToken is not null) info.Environment[ViewerEnvironment] = environmentToken;
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        return (process.ExitCode, await output, await errors);
    }
}
