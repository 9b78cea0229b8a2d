using System.Diagnostics;

namespace PlotPipe.Tests.Support;

/// <summary>Finds the child processes of a process (Linux /proc), to clean up a viewer spawned by a child.</summary>
public static class ProcessTree
{
    public static List<int> Children(int pid)
    {
        var found = new List<int>();
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) return found;
        foreach (var task in Directory.GetDirectories(tasks))
        {
            var file = Path.Combine(task, "children");
            if (!File.Exists(file)) continue;
            foreach (var part in File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                found.Add(int.Parse(part));
        }
        return found;
    }

    public static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
