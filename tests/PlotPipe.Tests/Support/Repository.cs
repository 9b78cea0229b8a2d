namespace PlotPipe.Tests.Support;

/// <summary>Where the repository's own files (docs, clients, samples) are, seen from the test's output folder.</summary>
public static class Repository
{
    /// <summary>The folder holding PlotPipe.slnx.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}
