using System.Diagnostics;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The page's own unit tests (web/test, node's test runner), run as part of this suite.</summary>
public sealed class PageUnitTests
{
    [Fact]
    public async Task Page_unit_tests_pass_under_node()
    {
        var web = Path.Combine(BrowserFeed.RepoDir(), "web");
        var info = new ProcessStartInfo("node") { WorkingDirectory = web, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--test", "--test-reporter=tap", "test/" }) info.ArgumentList.Add(a);
        using var node = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        string report = $"{await output}\n{await errors}";
        Assert.True(node.ExitCode == 0, $"node --test failed:\n{report}");
        // The runner found the tests: a pass count and no failures.
        Assert.Matches(@"# pass [1-9]\d*", report);
        Assert.Contains("# fail 0", report);
    }
}
