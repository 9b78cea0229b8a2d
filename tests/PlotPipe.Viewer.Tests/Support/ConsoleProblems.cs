using Microsoft.Playwright;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>
/// What a developer would see in the browser's console: errors and warnings logged, uncaught exceptions, loads
/// answered with an error status and loads that failed. A page of ours should leave none.
/// </summary>
public sealed class ConsoleProblems
{
    private readonly List<string> _seen = [];

    private ConsoleProblems(IPage page)
    {
        page.Console += (_, m) => { if (m.Type is "error" or "warning") Add($"console {m.Type}: {m.Text} ({m.Location})"); };
        page.PageError += (_, e) => Add($"page error: {e}");
        page.Response += (_, r) => { if (r.Status >= 400) Add($"{r.Status} for {r.Url}"); };
        page.RequestFailed += (_, r) => Add($"request failed: {r.Url} ({r.Failure})");
    }

    /// <summary>Starts watching <paramref name="page"/>; call before it loads.</summary>
    public static ConsoleProblems Watch(IPage page) => new(page);

    /// <summary>Fails naming every problem seen so far.</summary>
    public void AssertNone()
    {
        lock (_seen) Assert.True(_seen.Count == 0, string.Join("\n", _seen));
    }

    private void Add(string problem)
    {
        lock (_seen) _seen.Add(problem);
    }
}
