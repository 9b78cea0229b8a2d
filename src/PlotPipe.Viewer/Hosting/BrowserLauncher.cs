using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PlotPipe.Viewer.Hosting;

/// <summary>Opens the user's default browser at the page, where there is a display to show it on.</summary>
internal static class BrowserLauncher
{
    /// <summary>Tries to open <paramref name="url"/>; returns why not, or null when it was handed to the browser.</summary>
    public static string? TryOpen(Uri url)
    {
        try
        {
            // A browser's command line is readable by every user of the machine; a token must not travel there.
            var target = url.Query.Length > 0 ? new Uri(RedirectFile(url)).AbsoluteUri : url.ToString();
            ProcessStartInfo start;
            if (OperatingSystem.IsWindows())
            {
                start = new ProcessStartInfo(target) { UseShellExecute = true };
            }
            else if (OperatingSystem.IsMacOS())
            {
                start = new ProcessStartInfo("open", target);
            }
            else
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) &&
                    string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
                    return "no display";
                start = new ProcessStartInfo("xdg-open", target);
            }
            start.RedirectStandardOutput = !start.UseShellExecute;
            start.RedirectStandardError = !start.UseShellExecute;
            using var process = Process.Start(start);
            return process is null ? "no browser launcher" : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    // Hand-off files not yet removed; whatever is left when the process ends goes then.
    private static readonly ConcurrentDictionary<string, bool> HandOffs = new();

    // Kept alive for the process's life: a registration that is collected stops listening.
    private static readonly List<PosixSignalRegistration> StopRequests = [];

    static BrowserLauncher()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveHandOffFiles();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => RemoveHandOffFiles();
        // A stop signal removes them at once, before the viewer's own stop (Hosting/StopSignals) or, for a second
        // signal, the runtime's default ending, which raises no ProcessExit. Only SIGKILL leaves a file behind, in
        // the user's own temporary folder and readable by the user alone.
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            try
            {
                StopRequests.Add(PosixSignalRegistration.Create(signal, _ => RemoveHandOffFiles()));
            }
            catch (PlatformNotSupportedException)
            {
                // Windows has no SIGHUP or SIGQUIT; the files still go at exit.
            }
        }
    }

    /// <summary>
    /// Writes a page that forwards to <paramref name="url"/> into a new file only this user can read (as Jupyter
    /// does) and returns its path. It holds the tokened address, so it does not outlive its use: it is removed after
    /// a minute, time enough for a browser to start, or when the viewer exits, whichever comes first.
    /// </summary>
    public static string RedirectFile(Uri url)
    {
        var path = Path.Combine(Path.GetTempPath(), $"plotpipe-open-{Guid.NewGuid():N}.html");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        // CreateNew never follows a link another user planted; the mode keeps the token from other users.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var href = System.Net.WebUtility.HtmlEncode(url.AbsoluteUri);
        HandOffs[path] = true;
        using (var file = new StreamWriter(path, System.Text.Encoding.UTF8, options))
            file.Write($"<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={href}\"><title>PlotPipe</title><a href=\"{href}\">Open the PlotPipe viewer</a>\n");
        _ = Task.Delay(TimeSpan.FromMinutes(1)).ContinueWith(_ => Remove(path), TaskScheduler.Default);
        return path;
    }

    /// <summary>Removes every hand-off file this process wrote that is still there.</summary>
    public static void RemoveHandOffFiles()
    {
        foreach (var path in HandOffs.Keys) Remove(path);
    }

    private static void Remove(string path)
    {
        if (!HandOffs.TryRemove(path, out _)) return;
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done for it; the process goes on (or is ending).
        }
    }
}
