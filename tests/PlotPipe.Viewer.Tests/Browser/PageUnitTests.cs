using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Browser;

/// <summary>The page's own unit tests (web/test, node's test runner), run as part of this suite.</summary>
public sealed class PageUnitTests
{
    [Fact]
    public async Task Page_unit_tests_pass_under_node()
    {
        var web = Path.Combine(BrowserFeed.RepoDir(), "web");
        var (code, output, errors) = await ChildProcess.RunAsync("node", ["--test", "--test-reporter=tap", "test/"], web);
        string report = $"{output}\n{errors}";
        Assert.True(code == 0, $"node --test failed:\n{report}");
        // The runner found the tests: a pass count and no failures.
        Assert.Matches(@"# pass [1-9]\d*", report);
        Assert.Contains("# fail 0", report);
    }
}
