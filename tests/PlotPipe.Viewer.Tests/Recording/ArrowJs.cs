using System.Text.Json;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// The npm apache-arrow package reading a file (tests/interop/read.mjs): a reader that is not PlotPipe's own. Its
/// packages are installed with npm ci the first time.
/// </summary>
internal static class ArrowJs
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>The repository's tests/interop folder.</summary>
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx"))) return Path.Combine(dir.FullName, "tests", "interop");
            }
            throw new InvalidOperationException("PlotPipe.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Reads <paramref name="path"/> and returns read.mjs's summary.</summary>
    public static async Task<ArrowSummary> ReadAsync(string path)
    {
        await InstallAsync();
        var (code, output, errors) = await ChildProcess.RunAsync("node", ["read.mjs", path], Folder);
        if (code != 0) throw new InvalidOperationException($"node read.mjs failed ({code}): {errors}");
        return new ArrowSummary(JsonDocument.Parse(output).RootElement.Clone());
    }

    private static async Task InstallAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", ".package-lock.json"))) return;
            var (code, _, errors) = await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], Folder);
            if (code != 0) throw new InvalidOperationException($"npm ci in {Folder} failed ({code}): {errors}");
        }
        finally
        {
            Installing.Release();
        }
    }
}

/// <summary>What the independent reader found in a file.</summary>
internal sealed class ArrowSummary(JsonElement root)
{
    /// <summary>Rows over all batches.</summary>
    public long Rows => root.GetProperty("rows").GetInt64();

    /// <summary>Record batches read.</summary>
    public int Batches => root.GetProperty("batches").GetInt32();

    /// <summary>The reader's error, or null when it read to the end.</summary>
    public string? Error => root.GetProperty("error").GetString();

    /// <summary>The columns as name:type.</summary>
    public string[] Columns => [.. root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];

    /// <summary>The schema's metadata.</summary>
    public JsonElement Schema => root.GetProperty("schema");

    /// <summary>When the first row arrived, in milliseconds since the Unix epoch (from the time column or the batch's metadata), or null.</summary>
    public double? FirstTime => root.GetProperty("firstTime").ValueKind == JsonValueKind.Number ? root.GetProperty("firstTime").GetDouble() : null;

    /// <summary>When the last row arrived, as <see cref="FirstTime"/>.</summary>
    public double? LastTime => root.GetProperty("lastTime").ValueKind == JsonValueKind.Number ? root.GetProperty("lastTime").GetDouble() : null;

    /// <summary>The markers of every batch's <c>plotpipe.events</c> metadata, in order, as the reader parsed them.</summary>
    public JsonElement[] Markers => [.. root.GetProperty("markers").EnumerateArray()];

    /// <summary>The derived series rules of the last <c>plotpipe.definitions</c> (<c>[{name, expression}]</c>), or null.</summary>
    public JsonElement? Derived => root.GetProperty("derived").ValueKind == JsonValueKind.Array ? root.GetProperty("derived") : null;

    /// <summary>The series column's values seen.</summary>
    public string[] SeriesNames => [.. root.GetProperty("series").EnumerateObject().Select(p => p.Name)];

    /// <summary>Count, first and last point, sums of one series.</summary>
    public (long Count, double FirstX, double FirstY, double LastX, double LastY, double SumX, double SumY) Series(string name)
    {
        var s = root.GetProperty("series").GetProperty(name);
        return (s.GetProperty("count").GetInt64(), s.GetProperty("firstX").GetDouble(), s.GetProperty("firstY").GetDouble(),
            s.GetProperty("lastX").GetDouble(), s.GetProperty("lastY").GetDouble(), s.GetProperty("sumX").GetDouble(), s.GetProperty("sumY").GetDouble());
    }
}
