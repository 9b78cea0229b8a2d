using System.Diagnostics;

namespace PlotPipe.Cli.Bench;

/// <summary>Starting and stopping the real viewer for a scenario, and small timing helpers.</summary>
internal static class Harness
{
    public static readonly double TicksPerSecond = Stopwatch.Frequency;

    /// <summary>
    /// Spawns the viewer (no browser) and waits for its address; <paramref name="maxBufferBytes"/> sets the producer's
    /// LivePlotOptions.MaxBufferBytes (null: its default), <paramref name="alerts"/> the viewer's <c>--alert</c> rules.
    /// </summary>
    public static (LivePlot Plot, ViewerClient Client, int Pid) Spawn(WhenFull policy, long maxPointsPerSeries = 0, string? recordPath = null, long? maxBufferBytes = null, IReadOnlyList<string>? alerts = null)
    {
        var options = new LivePlotOptions
        {
            OpenBrowser = false,
            RecordPath = recordPath,
            WhenFull = policy,
            MaxPointsPerSeries = maxPointsPerSeries,
            // The harness kills it itself; this only bounds a viewer left behind by a crash of the harness. Longer
            // than the harness's own waits (60 s), so a viewer slow to take a long run's last points is said to be so
            // instead of having gone away.
            ViewerLinger = TimeSpan.FromSeconds(90),
        };
        if (maxBufferBytes is long bound) options.MaxBufferBytes = bound;
        if (alerts is not null) foreach (var rule in alerts) options.Alerts.Add(rule);
        var plot = LivePlot.Spawn(options);
        var url = plot.Url;
        return (plot, new ViewerClient(url), plot.ViewerProcessId ?? throw new InvalidOperationException("the plot has no viewer process"));
    }

    /// <summary>Kills the viewer and waits for it to be gone.</summary>
    public static void Close(LivePlot plot, ViewerClient client)
    {
        client.Dispose();
        plot.CloseViewer();
        plot.WaitForViewerExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(static _ => { }).Wait();
    }

    /// <summary>
    /// How fast this machine hands out memory never touched before: allocate and write one byte per 4 KiB page.
    /// A store that keeps every point needs 16 fresh bytes per point, so this bounds its ingest rate.
    /// </summary>
    public static double FreshMemoryBytesPerSecond(int bytes)
    {
        var block = GC.AllocateUninitializedArray<byte>(bytes);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
        long t1 = Stopwatch.GetTimestamp();
        GC.KeepAlive(block);
        return bytes / Seconds(t0, t1);
    }

    public static double Seconds(long fromTicks, long toTicks) => (toTicks - fromTicks) / TicksPerSecond;

    /// <summary>Sends a signal with the system's kill command (SIGSTOP, SIGCONT).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new BenchFailure("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new BenchFailure($"kill -{signal} {pid} failed with exit code {kill.ExitCode}");
    }
}
