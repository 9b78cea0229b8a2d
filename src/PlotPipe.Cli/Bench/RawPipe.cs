using System.Diagnostics;
using System.Globalization;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// The ceiling: the same kind of pipe (a child's standard input, created by <see cref="Process"/>), fed the same
/// number of bytes from .NET in 1 MiB writes, into a reader that only discards. Two readers: this tool's own
/// discard mode, which reads exactly as the viewer does (InputPump: a thread of its own, 1 MiB reads into a pipe),
/// and <c>dd of=/dev/null bs=1M</c>.
/// </summary>
internal static class RawPipe
{
    private const int WriteBytes = 1 << 20;
    private const string Ready = "plotpipe-discard: ready";

    /// <summary>The reader's name and its measured bytes per second.</summary>
    public static (string Reader, double BytesPerSecond) Measure(bool dotnetReader, long bytes)
    {
        var start = dotnetReader ? SelfDiscard() : new ProcessStartInfo("dd") { ArgumentList = { "of=/dev/null", "bs=1M" } };
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var child = Process.Start(start) ?? throw new BenchFailure($"could not start {start.FileName}");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var input = child.StandardInput.BaseStream;
        var block = new byte[WriteBytes];
        new Random(1).NextBytes(block);
        // Untimed warm-up: the write blocks until the reader has started and is draining.
        for (int i = 0; i < 8; i++) input.Write(block);
        long left = bytes;
        long t0 = Stopwatch.GetTimestamp();
        while (left > 0)
        {
            int n = (int)Math.Min(left, block.Length);
            input.Write(block, 0, n);
            left -= n;
        }
        input.Flush();
        input.Close();
        // Once the last write returned, at most one pipe buffer (64 KiB) is still unread.
        long t1 = Stopwatch.GetTimestamp();
        if (!child.WaitForExit(30_000)) throw new BenchFailure($"{start.FileName} did not exit after its input closed");
        if (dotnetReader)
        {
            var lines = stdout.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            long read = long.Parse(lines[^1], CultureInfo.InvariantCulture);
            if (read != bytes + 8L * WriteBytes) throw new BenchFailure($"the discard reader read {read} bytes, not {bytes + 8L * WriteBytes}");
        }
        else
        {
            _ = stderr.GetAwaiter().GetResult();
        }
        string reader = dotnetReader ? "plotpipe bench --discard-stdin (its own reading thread, 1 MiB reads, as the viewer)" : "dd of=/dev/null bs=1M";
        return (reader, bytes / Harness.Seconds(t0, t1));
    }

    /// <summary>The child side: read standard input the way the viewer does and throw it away; print the byte count.</summary>
    public static async Task<int> DiscardAsync()
    {
        var reader = InputPump.Start(Console.OpenStandardInput());
        Console.Out.WriteLine(Ready);
        Console.Out.Flush();
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        await reader.CompleteAsync().ConfigureAwait(false);
        Console.Out.WriteLine(total.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    // This same tool, run by its apphost or by the dotnet host, in discard mode.
    private static ProcessStartInfo SelfDiscard()
    {
        var self = Environment.ProcessPath ?? throw new BenchFailure("cannot find this program's path");
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(RawPipe).Assembly.Location);
        start.ArgumentList.Add("bench");
        start.ArgumentList.Add("--discard-stdin");
        return start;
    }
}
