using PlotPipe.TestSupport;

namespace PlotPipe.Package.Tests.Support;

/// <summary>
/// The repo's packages, made once for the test run with the README's pack command into a folder of their own,
/// and a package cache of its own, so nothing of the repo's build can help a program that installs them.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "plotpipe-package-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public string Feed => Path.Combine(Root, "feed");

    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The version every package of this build carries.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Environment for builds that consume the feed: an empty package cache of their own.</summary>
    public IReadOnlyDictionary<string, string> ConsumerEnvironment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        (await Shell.RunAsync("dotnet", ["pack", "PlotPipe.slnx", "-c", "Release", "-o", Feed], RepoRoot, timeout: TimeSpan.FromMinutes(8)))
            .EnsureSuccess("dotnet pack");
        var library = Directory.GetFiles(Feed, "PlotPipe.*.nupkg")
            .Select(Path.GetFileName)
            .Single(n => n!.StartsWith("PlotPipe.", StringComparison.Ordinal) && char.IsDigit(n["PlotPipe.".Length]))!;
        Version = library["PlotPipe.".Length..^".nupkg".Length];
    }

    /// <summary>A new folder with a nuget.config that adds the feed to the machine's sources.</summary>
    public string NewProjectFolder(string name)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="plotpipe-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return dir;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no PlotPipe.slnx above {AppContext.BaseDirectory}");
    }
}
