using PlotPipe.Tests.Support;
using PlotPipe.TestSupport;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>
/// The README's way from source: a program outside this repository that references src/PlotPipe/PlotPipe.csproj and
/// nothing else gets the viewer in its output, as the package brings it, and spawns it.
/// </summary>
public class FromSourceTests
{
    private const string Program = """
        using PlotPipe;

        await using (var plot = await LivePlot.SpawnAsync(new LivePlotOptions { OpenBrowser = false, SavePngPath = "dots.png", ExitOnFinish = true }))
        {
            Console.WriteLine(plot.Url);
            var dots = plot.Scatter("samples", "ro");
            for (int i = 0; i < 10; i++) dots.Add(i % 5, i / 5);
        }
        Console.WriteLine(File.Exists("dots.png") ? "saved" : "missing");
        """;

    [Fact]
    public async Task A_program_referencing_only_the_PlotPipe_project_spawns_the_viewer_from_its_output_and_saves_a_png()
    {
        var app = Directory.CreateTempSubdirectory("plotpipe-from-source-");
        try
        {
            var library = Path.Combine(Repository.Root(), "src", "PlotPipe", "PlotPipe.csproj");
            await File.WriteAllTextAsync(Path.Combine(app.FullName, "dots.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{library}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app.FullName, "Program.cs"), Program);

            (await Shell.RunAsync("dotnet", ["build", "-nodeReuse:false"], app.FullName, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess("dotnet build");
            var output = Path.Combine(app.FullName, "bin", "Debug", "net10.0");
            foreach (var file in new[] { "PlotPipe.Viewer.dll", "PlotPipe.Viewer.runtimeconfig.json", "PlotPipe.Viewer.deps.json", "ScottPlot.dll", "plotpipe-web/index.html" })
                Assert.True(File.Exists(Path.Combine(output, "plotpipe-viewer", file)), $"plotpipe-viewer/{file} is not in the program's output");
            // Only the folder: nothing of the viewer lies loose beside the program.
            Assert.False(File.Exists(Path.Combine(output, "PlotPipe.Viewer.dll")));
            Assert.False(File.Exists(Path.Combine(output, "PlotPipe.Viewer")));

            var run = (await Shell.RunAsync("dotnet", [Path.Combine(output, "dots.dll")], app.FullName)).EnsureSuccess("the program");
            Assert.Contains("http://127.0.0.1:", run.Output);
            Assert.Contains("saved", run.Output.Split('\n').Select(l => l.Trim()));
            // Ten separate red dots on the plot, plus the legend's marker.
            Assert.Equal(11, RedDots.Count(Path.Combine(app.FullName, "dots.png")));
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }
}
