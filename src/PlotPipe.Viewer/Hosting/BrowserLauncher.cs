using System.Diagnostics;

namespace PlotPipe.Viewer.Hosting;

/// <summary>Opens the user's default browser at the page, where there is a display to show it on.</summary>
public static class BrowserLauncher
{
    /// <summary>Tries to open <paramref name="url"/>; returns why not, or null when it was handed to the browser.</summary>
    public static string? TryOpen(Uri url)
    {
        try
        {
            ProcessStartInfo start;
            if (OperatingSystem.IsWindows())
            {
                start = new ProcessStartInfo(url.ToString()) { UseShellExecute = true };
            }
            else if (OperatingSystem.IsMacOS())
            {
                start = new ProcessStartInfo("open", url.ToString());
            }
            else
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) &&
                    string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
                    return "no display";
                start = new ProcessStartInfo("xdg-open", url.ToString());
            }
            start.RedirectStandardOutput = !start.UseShellExecute;
            start.RedirectStandardError = !start.UseShellExecute;
            using var process = Process.Start(start);
            return process is null ? "no browser launcher" : null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
