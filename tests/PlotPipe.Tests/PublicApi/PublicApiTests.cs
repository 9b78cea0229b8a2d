using System.Reflection;
using PlotPipe.Protocol;
using PublicApiGenerator;

namespace PlotPipe.Tests.PublicApi;

/// <summary>
/// The shipped packages' public surface is a decision: it changes only together with its approved file here.
/// A change writes the new surface beside the approved one as *.received.txt; review it and copy it over.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("PlotPipe")]
    [InlineData("PlotPipe.Protocol")]
    public void Public_api_matches_its_approved_file(string assemblyName)
    {
        var assembly = AssemblyNamed(assemblyName);
        var approvedPath = Path.Combine(Folder(), $"{assemblyName}.approved.txt");
        var receivedPath = Path.Combine(Folder(), $"{assemblyName}.received.txt");
        string actual = Surface(assembly);
        string approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : "";
        var difference = FirstDifference(approved, actual);
        if (difference is not null)
        {
            File.WriteAllText(receivedPath, actual);
            Assert.Fail($"the public API of {assemblyName} changed ({difference}); if that is intended, review {receivedPath} and copy it to {approvedPath}");
        }
        File.Delete(receivedPath);
    }

    [Fact]
    public void A_member_missing_from_the_approved_file_is_named_as_added()
    {
        string actual = Surface(AssemblyNamed("PlotPipe"));
        var lines = actual.Split('\n').ToList();
        int finish = lines.FindIndex(l => l.Trim() == "public void Finish() { }");
        Assert.True(finish >= 0, "LivePlot.Finish is public");
        lines.RemoveAt(finish);
        Assert.Equal("added: public void Finish() { }", FirstDifference(string.Join('\n', lines), actual));
        Assert.Null(FirstDifference(actual, actual));
    }

    /// <summary>The first line where the surfaces part, as "added: ..." or "removed: ...", or null when equal.</summary>
    private static string? FirstDifference(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string? was = i < a.Length ? a[i] : null, now = i < b.Length ? b[i] : null;
            if (was == now) continue;
            bool added = now is not null && !a.Contains(now);
            return added ? $"added: {now!.Trim()}" : $"removed: {was?.Trim()}";
        }
        return null;
    }

    private static Assembly AssemblyNamed(string name) => name == "PlotPipe" ? typeof(LivePlot).Assembly : typeof(FrameWriter).Assembly;

    private static string Surface(Assembly assembly) => Normalize(assembly.GeneratePublicApi(new ApiGeneratorOptions
    {
        ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"],
    }));

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    // Found from the repo root rather than the compiler's file path, which deterministic builds rewrite.
    private static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) return Path.Combine(dir.FullName, "tests", "PlotPipe.Tests", "PublicApi");
        }
        throw new InvalidOperationException($"no PlotPipe.slnx above {AppContext.BaseDirectory}");
    }
}
