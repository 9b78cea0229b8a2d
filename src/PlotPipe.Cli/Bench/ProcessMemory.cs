using System.Globalization;

namespace PlotPipe.Cli.Bench;

/// <summary>Reads a process's resident and peak resident memory from /proc (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS in bytes, or -1 where /proc is not available.</summary>
    public static long Resident(int pid) => Read(pid, "VmRSS:");

    /// <summary>VmHWM (peak resident) in bytes, or -1 where /proc is not available.</summary>
    public static long Peak(int pid) => Read(pid, "VmHWM:");

    private static long Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return -1;
    }
}
