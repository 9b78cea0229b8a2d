using System.Text.Json;

namespace PlotPipe.PageBench;

/// <summary>
/// What a trace says of the page's thread: each task's wall time beside the CPU time the thread had in it. A long task
/// with little CPU is the thread waiting to be scheduled (other processes on the cores), not the page's own work.
/// </summary>
internal sealed record TraceSummary(int Tasks, Stats TaskCpuMs, int LongTasks, Stats LongTaskWallMs, Stats LongTaskCpuMs)
{
    private const double LongTaskMs = 50;

    public static TraceSummary Read(string path)
    {
        using var file = File.OpenRead(path);
        using var doc = JsonDocument.Parse(file);
        var events = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("traceEvents");
        var main = new HashSet<(long, long)>();
        foreach (var e in events.EnumerateArray())
        {
            if (e.TryGetProperty("ph", out var ph) && ph.GetString() == "M" && e.GetProperty("name").GetString() == "thread_name"
                && e.GetProperty("args").GetProperty("name").GetString() == "CrRendererMain")
                main.Add((e.GetProperty("pid").GetInt64(), e.GetProperty("tid").GetInt64()));
        }
        List<double> cpu = [], longWall = [], longCpu = [];
        foreach (var e in events.EnumerateArray())
        {
            if (!e.TryGetProperty("ph", out var ph) || ph.GetString() != "X" || e.GetProperty("name").GetString() != "ThreadControllerImpl::RunTask") continue;
            if (!main.Contains((e.GetProperty("pid").GetInt64(), e.GetProperty("tid").GetInt64()))) continue;
            double wall = e.GetProperty("dur").GetDouble() / 1000;
            double thread = e.TryGetProperty("tdur", out var t) ? t.GetDouble() / 1000 : double.NaN;
            cpu.Add(thread);
            if (wall <= LongTaskMs) continue;
            longWall.Add(wall);
            longCpu.Add(thread);
        }
        return new TraceSummary(cpu.Count, Stats.Of(cpu), longWall.Count, Stats.Of(longWall), Stats.Of(longCpu));
    }
}
