using System.Diagnostics;

namespace PlotPipe.Viewer.Tests.Support;

/// <summary>Runs a program to its end as a user would from a shell, for the tests that drive node, npm, dotnet and the CLI.</summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>; its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(
        string program, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        // Both streams are read at once: a child that fills one pipe while we wait on the other would hang.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await errors);
    }
}
