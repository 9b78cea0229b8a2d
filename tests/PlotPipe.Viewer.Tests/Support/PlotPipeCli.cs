using System.CommandLine;
using System.Diagnostics;
using System.Reflection;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>
/// The two programs a user types arguments into, run as real processes: the <c>plotpipe</c> tool (its build beside
/// this repository's sources) and the viewer program a spawning producer runs (beside these tests).
/// </summary>
public static class PlotPipeCli
{
    /// <summary>The <c>plotpipe</c> tool's assembly, as built for these tests (the test project builds it).</summary>
    public static string CliDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PlotPipe.slnx")))
                    return Path.Combine(dir.FullName, "src", "PlotPipe.Cli", "bin", configuration, "net10.0", "PlotPipe.Cli.dll");
            }
            throw new InvalidOperationException("PlotPipe.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The viewer program's assembly, beside these tests.</summary>
    public static string ViewerDll => Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll");

    /// <summary>
    /// Runs <paramref name="dll"/> with <paramref name="args"/>, standard input closed at once; its exit code and
    /// both outputs. A program still running after <paramref name="seconds"/> (it took the arguments and started)
    /// is killed, and the exit code is then -1.
    /// </summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(
        string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, double seconds = 30)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PLOTPIPE_TOKEN");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output, await errors);
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>
    /// The <c>plotpipe</c> tool's command tree, built by the tool's own code loaded into this process, to parse
    /// command lines (its help's examples) without running them.
    /// </summary>
    public static Command CommandTree()
    {
        var tool = Assembly.LoadFrom(CliDll).GetType("PlotPipe.Cli.PlotPipeCommand", throwOnError: true)!;
        return (Command)tool.GetMethod("Create", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
    }
}
