using System.Diagnostics;
using System.Runtime.InteropServices;
using PlotPipe.Viewer.Hosting;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>Opening the page never puts the token on a command line, where any user of the machine could read it, nor leaves it in a file.</summary>
public sealed class BrowserLauncherTests
{
    [Fact]
    public void A_tokened_address_is_handed_over_in_a_file_only_this_user_can_read()
    {
        var url = new Uri("http://127.0.0.1:4321/?token=abcdefghijklmnop-secret");
        var path = BrowserLauncher.RedirectFile(url);
        try
        {
            Assert.DoesNotContain("secret", path);
            Assert.DoesNotContain("secret", new Uri(path).AbsoluteUri);
            Assert.Contains("content=\"0;url=http://127.0.0.1:4321/?token=abcdefghijklmnop-secret\"", File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Hand_off_files_still_there_are_removed_on_request()
    {
        var path = BrowserLauncher.RedirectFile(new Uri("http://127.0.0.1:4321/?token=abcdefghijklmnop"));
        Assert.True(File.Exists(path));
        BrowserLauncher.RemoveHandOffFiles();
        Assert.False(File.Exists(path));
    }

    /// <summary>How the viewer ends: a signal's number, or 0 for ending on its own (its input ends, --exit-on-finish).</summary>
    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    [InlineData(1)]
    [InlineData(0)]
    public async Task The_hand_off_file_is_gone_once_the_viewer_has_exited(int signal)
    {
        if (OperatingSystem.IsWindows()) return;
        var dir = Directory.CreateTempSubdirectory("plotpipe-handoff-");
        try
        {
            // A browser launcher that notes what it was asked to open, and a display for it, so the viewer opens one.
            var record = Path.Combine(dir.FullName, "opened.txt");
            var bin = Directory.CreateDirectory(Path.Combine(dir.FullName, "bin")).FullName;
            var launcher = Path.Combine(bin, "xdg-open");
            File.WriteAllText(launcher, $"#!/bin/sh\necho \"$1\" >> '{record}'\n");
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var temp = Directory.CreateDirectory(Path.Combine(dir.FullName, "tmp")).FullName;

            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll"), "--stdin", "--port", "0", "--exit-on-finish" })
                info.ArgumentList.Add(a);
            info.Environment["DISPLAY"] = ":99";
            info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            info.Environment["TMPDIR"] = temp;
            using var viewer = Process.Start(info)!;
            var errors = new List<string>();
            viewer.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
            viewer.BeginErrorReadLine();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var line = await viewer.StandardOutput.ReadLineAsync(timeout.Token);
                Assert.StartsWith("PlotPipe viewer: http://", line);
                string token = new Uri(line!["PlotPipe viewer: ".Length..]).Query;

                // The launcher got a file, not the address; the file holds the address with its token.
                string? opened = null;
                while (opened is null)
                {
                    await Task.Delay(10, timeout.Token);
                    if (File.Exists(record) && File.ReadAllText(record).Trim() is { Length: > 0 } text) opened = text;
                }
                var handOff = new Uri(opened).LocalPath;
                Assert.StartsWith(temp, handOff);
                Assert.Contains(token, File.ReadAllText(handOff));

                if (signal == 0) viewer.StandardInput.Close();
                else Assert.Equal(0, kill(viewer.Id, signal));
                await viewer.WaitForExitAsync(timeout.Token);

                Assert.False(File.Exists(handOff), $"{handOff} outlived its viewer (exit code {viewer.ExitCode}): {string.Join('\n', errors)}");
                Assert.Empty(Directory.GetFiles(temp, "plotpipe-open-*"));
            }
            finally
            {
                if (!viewer.HasExited) viewer.Kill();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
