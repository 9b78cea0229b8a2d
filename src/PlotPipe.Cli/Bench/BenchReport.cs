using System.Globalization;
using System.Text.Json;

namespace PlotPipe.Cli.Bench;

/// <summary>Collects the figures of a run and prints them as a table or JSON.</summary>
internal sealed class BenchReport
{
    private readonly List<BenchRow> _rows = new();
    private readonly List<string> _failures = new();

    public IReadOnlyList<BenchRow> Rows => _rows;

    public IReadOnlyList<string> Failures => _failures;

    public void Add(BenchRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Scenario,-34} {row.Figure,-34} {Format(row.Value),14} {row.Unit,-10} {Verdict(row)}");
    }

    /// <summary>A correctness check failed (lost points, mismatched counts): the run fails, loudly.</summary>
    public void Fail(string message)
    {
        _failures.Add(message);
        Console.Error.WriteLine($"FAILED: {message}");
    }

    public void PrintTable(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"scenario",-34} {"figure",-34} {"measured",14} {"unit",-10} {"target",-14} {"met",-4}");
        output.WriteLine(new string('-', 116));
        foreach (var r in _rows)
            output.WriteLine($"{r.Scenario,-34} {r.Figure,-34} {Format(r.Value),14} {r.Unit,-10} {r.Target ?? "",-14} {(r.Met is null ? "" : r.Met.Value ? "yes" : "NO"),-4}");
        foreach (var r in _rows)
            if (r.Note is not null) output.WriteLine($"  note ({r.Scenario} / {r.Figure}): {r.Note}");
        foreach (var f in _failures) output.WriteLine($"FAILED: {f}");
    }

    public void WriteJson(string path, IReadOnlyDictionary<string, string> machine)
    {
        var doc = new Dictionary<string, object>
        {
            ["machine"] = machine,
            ["rows"] = _rows,
            ["failures"] = _failures,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    private static string Verdict(BenchRow r) => r.Target is null ? "" : $"(target {r.Target}: {(r.Met == true ? "met" : "MISSED")})";

    private static string Format(double v) =>
        Math.Abs(v) >= 1e6 ? v.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 100 ? v.ToString("N1", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);
}
