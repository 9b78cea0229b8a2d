namespace PlotPipe.PageBench;

/// <summary>
/// CPU seconds used so far by this harness (the producer and the browser's driver), the viewer and the browser, the
/// last two read from Linux's /proc: on a machine of two shared cores, what one takes the others are short of.
/// </summary>
internal readonly record struct ProcessCpu(double HarnessSeconds, double ViewerSeconds, double BrowserSeconds)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public static ProcessCpu Now()
    {
        double harness = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        if (!Directory.Exists("/proc/self")) return new(harness, double.NaN, double.NaN);
        var parent = new Dictionary<int, int>();
        var ticks = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                // Fields after the command's closing parenthesis: state ppid ... utime (14th field) stime (15th).
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parent[pid] = int.Parse(f[1]);
                ticks[pid] = double.Parse(f[11]) + double.Parse(f[12]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // A process that ended while being read.
            }
        }
        double viewer = 0, browser = 0;
        int self = Environment.ProcessId;
        foreach (var (pid, t) in ticks)
        {
            if (!DescendsFrom(pid, self, parent)) continue;
            string command;
            try { command = File.ReadAllText($"/proc/{pid}/cmdline"); }
            catch (IOException) { continue; }
            if (command.Contains("PlotPipe.Viewer", StringComparison.Ordinal)) viewer += t;
            else if (command.Contains("chromium", StringComparison.OrdinalIgnoreCase)) browser += t;
        }
        return new(harness, viewer / TicksPerSecond, browser / TicksPerSecond);
    }

    private static bool DescendsFrom(int pid, int ancestor, Dictionary<int, int> parent)
    {
        for (int hops = 0; hops < 64 && parent.TryGetValue(pid, out int up) && up > 1; hops++)
        {
            if (up == ancestor) return true;
            pid = up;
        }
        return false;
    }
}
