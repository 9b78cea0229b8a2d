using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PlotPipe.Package.Tests.Support;
using PlotPipe.TestSupport;

namespace PlotPipe.Package.Tests;

/// <summary>The packages as a user meets them: added to a new program from a feed, installed as a tool.</summary>
public sealed class PackageInstallTests : IClassFixture<PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackageInstallTests(PackedFeed feed) => _feed = feed;

    // The seed's scenario: ten random points, plotted by the spawned viewer, saved as a picture.
    private const string TenRedDots = """
        using PlotPipe;

        await using var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, SavePngPath = "dots.png", ExitOnFinish = true });
        var dots = plot.Scatter("samples", "ro");
        Console.WriteLine(plot.Url);
        var random = new Random(19680801);
        for (int i = 0; i < 10; i++) dots.Add(random.NextDouble(), random.NextDouble());
        plot.Finish();
        await plot.Completion;
        return await plot.WaitForViewerExitAsync();
        """;

    [Fact]
    public async Task Library_package_spawns_its_viewer_from_dotnet_run_and_from_publish_output()
    {
        var app = await NewConsoleAppAsync("dots-app", TenRedDots);

        (await Dotnet(app, "run")).EnsureSuccess("dotnet run");
        // Ten separate red dots, plus the legend's marker.
        Assert.Equal(11, RedDots.Count(Path.Combine(app, "dots.png")));

        (await Dotnet(app, "publish", "-c", "Release", "-o", "pub")).EnsureSuccess("dotnet publish");
        File.Delete(Path.Combine(app, "dots.png"));
        var pub = Path.Combine(app, "pub");
        Assert.True(File.Exists(Path.Combine(pub, "plotpipe-viewer", "PlotPipe.Viewer.dll")), "the viewer is in the publish output");
        (await Shell.RunAsync(Path.Combine(pub, "dots-app"), [], pub)).EnsureSuccess("the published program");
        Assert.Equal(11, RedDots.Count(Path.Combine(pub, "dots.png")));
    }

    [Fact]
    public async Task Readme_quick_start_compiles_as_written_against_the_package()
    {
        var readme = File.ReadAllText(Path.Combine(_feed.RepoRoot, "README.md"));
        var quickStart = Regex.Match(readme, @"## Quick start.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(quickStart.Success, "README.md has a C# quick start");
        var app = await NewConsoleAppAsync("quick-start", quickStart.Groups["code"].Value);
        (await Dotnet(app, "build")).EnsureSuccess("building the README's quick start");
    }

    [Fact]
    public async Task Tool_package_installs_plotpipe_and_its_demo_saves_ten_red_dots()
    {
        var dir = _feed.NewProjectFolder("tool");
        (await Dotnet(dir, "tool", "install", "--tool-path", "t", "PlotPipe.Tool", "--version", _feed.Version, "--add-source", _feed.Feed))
            .EnsureSuccess("dotnet tool install");
        var demo = await Shell.RunAsync(Path.Combine(dir, "t", "plotpipe"),
            ["demo", "--no-browser", "--png", "d.png", "--exit-on-finish", "--interval", "0.01"], dir, _feed.ConsumerEnvironment);
        demo.EnsureSuccess("plotpipe demo");
        Assert.Equal(11, RedDots.Count(Path.Combine(dir, "d.png")));
    }

    [Fact]
    public void Library_package_depends_only_on_published_packages_and_carries_the_whole_viewer()
    {
        using var package = ZipFile.OpenRead(Path.Combine(_feed.Feed, $"PlotPipe.{_feed.Version}.nupkg"));
        var nuspec = XDocument.Load(package.GetEntry("PlotPipe.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var dependencies = nuspec.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.All(dependencies, id => Assert.True(
            id == "PlotPipe.Protocol" || id.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal),
            $"unexpected dependency {id}"));
        Assert.True(File.Exists(Path.Combine(_feed.Feed, $"PlotPipe.Protocol.{_feed.Version}.nupkg")), "PlotPipe.Protocol is packed beside it");
        Assert.DoesNotContain("PlotPipe.Viewer", dependencies);

        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var needed in new[]
                 {
                     "viewer/PlotPipe.Viewer.dll", "viewer/PlotPipe.Viewer.runtimeconfig.json", "viewer/PlotPipe.Viewer.deps.json",
                     "viewer/plotpipe-web/index.html", "viewer/runtimes/linux-x64/native/libSkiaSharp.so",
                     "buildTransitive/PlotPipe.targets", "lib/net10.0/PlotPipe.dll", "README.md",
                 })
            Assert.Contains(needed, entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("viewer/runtimes/linux-riscv64/", StringComparison.Ordinal));

        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", (string?)metadata.Element(ns + "license"));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        foreach (var id in new[] { "PlotPipe", "PlotPipe.Protocol", "PlotPipe.Tool" })
            Assert.True(File.Exists(Path.Combine(_feed.Feed, $"{id}.{_feed.Version}.snupkg")), $"{id} has a symbols package");
    }

    private async Task<string> NewConsoleAppAsync(string name, string program)
    {
        var dir = _feed.NewProjectFolder(name);
        (await Dotnet(dir, "new", "console", "--force")).EnsureSuccess("dotnet new console");
        (await Dotnet(dir, "add", "package", "PlotPipe", "--version", _feed.Version)).EnsureSuccess("dotnet add package PlotPipe");
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    private Task<Shell.Result> Dotnet(string dir, params string[] args) =>
        Shell.RunAsync("dotnet", args, dir, _feed.ConsumerEnvironment, TimeSpan.FromMinutes(5));
}
