using System.Diagnostics;
using System.Text;
using PlotPipe.Tests.Support;
using PlotPipe.TestSupport;

namespace PlotPipe.Tests.EndToEnd;

/// <summary>
/// The Python client (the package in clients/python) run by the machine's python3 against the real viewer built
/// beside these tests, checked through the viewer's API. Its own pytest suite runs beside these in ./test.sh.
/// python3 missing fails, never skips.
/// </summary>
public class PythonClientTests
{
    private static readonly string ClientDir = Path.Combine(Repository.Root(), "clients", "python");

    [Fact]
    public async Task Python_client_streams_three_series_of_a_million_points_with_add_many_and_every_count_is_exact()
    {
        await using var python = Python.Start("""
            import array, plotpipe
            n = 1_000_000
            xs = array.array("d", range(n))
            ys = memoryview(array.array("d", (x * 0.5 for x in xs)).tobytes()).cast("d")  # a bytes-backed buffer
            plot = plotpipe.spawn(open_browser=False, when_full="block")
            print("url", plot.url)
            samples, loss, acc = plot.scatter("samples", "ro"), plot.line("loss", "b-"), plot.line("accuracy", "g--")
            for s in (samples, loss, acc):
                s.add_many(xs, ys)
            print("finished", plot.finish(), plot.dropped)
            input()
            plot.close_viewer()
            """);
        using var api = new ViewerApi(new Uri(await python.ValueAsync("url")));
        Assert.Equal("True 0", await python.ValueAsync("finished"));

        var status = await api.WaitForStatusAsync(s => s.State == "finished");
        var series = await api.SeriesAsync();
        Assert.Equal(["samples", "loss", "accuracy"], series.Select(s => s.Name));
        Assert.Equal([1_000_000L, 1_000_000L, 1_000_000L], series.Select(s => s.Count));
        Assert.Equal(["ro", "b-", "g--"], series.Select(s => s.Format));
        Assert.Equal(["scatter", "line", "line"], series.Select(s => s.Kind));
        Assert.Equal(3_000_000, status.Points);
        Assert.Equal(0, status.Dropped);
        Assert.Equal(0, status.OutOfOrder);
        Assert.Null(status.Error);
        await python.EndAsync();
    }

    [Fact]
    public async Task Python_client_spawns_a_viewer_that_reports_its_title_panels_labels_scales_and_timed_series()
    {
        await using var python = Python.Start("""
            import datetime, plotpipe
            plot = plotpipe.spawn(open_browser=False, when_full="block", title="Training", name="trainer")
            print("url", plot.url)
            loss = plot.panel("Loss", ylabel="cross-entropy", yscale="log").line("train", "b-")
            acc = plot.panel("Accuracy", ylabel="accuracy", xlabel="step", linkx=False).scatter("val", "g.")
            temp = plot.line("temperature", "r-")
            start = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.timezone.utc)
            for i in range(1000):
                loss.add(i, 2.5 * 0.99 ** i)
                acc.add(i, i / 1000)
                temp.add(start + datetime.timedelta(seconds=i), 21.5)
            print("finished", plot.finish(), plot.dropped)
            input()
            plot.close_viewer()
            """);
        using var api = new ViewerApi(new Uri(await python.ValueAsync("url")));
        Assert.Equal("True 0", await python.ValueAsync("finished"));
        await api.WaitForStatusAsync(s => s.State == "finished");

        var plot = await api.JsonAsync("api/plot");
        Assert.Equal("Training", plot.GetProperty("title").GetString());
        Assert.Equal(["trainer"], plot.GetProperty("producers").EnumerateArray().Select(p => p.GetString()));
        var panels = plot.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal([null, "Loss", "Accuracy"], panels.Select(p => p.GetProperty("title").GetString()));
        Assert.Equal([null, "cross-entropy", "accuracy"], panels.Select(p => p.GetProperty("ylabel").GetString()));
        Assert.Equal([null, null, "step"], panels.Select(p => p.GetProperty("xlabel").GetString()));
        Assert.Equal(["linear", "log", "linear"], panels.Select(p => p.GetProperty("yscale").GetString()));
        Assert.Equal([true, true, false], panels.Select(p => p.GetProperty("linkx").GetBoolean()));
        var series = (await api.JsonAsync("api/series")).EnumerateArray().ToList();
        Assert.Equal(["train", "val", "temperature"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 0], series.Select(s => s.GetProperty("panel").GetInt32()));
        Assert.Equal([false, false, true], series.Select(s => s.GetProperty("xIsTime").GetBoolean()));
        Assert.All(series, s => Assert.Equal(1000, s.GetProperty("count").GetInt64()));
        await python.EndAsync();
    }

    [Fact]
    public async Task Python_client_connects_to_a_listening_viewer_with_its_token_and_every_count_is_exact()
    {
        using var viewer = await ListeningViewer.StartAsync();
        using var api = new ViewerApi(viewer.PageUrl);
        await using var python = Python.Start($$"""
            import array, plotpipe
            xs = array.array("d", range(100_000))
            plot = plotpipe.connect("{{viewer.ProducerAddress}}", token="{{viewer.Token}}", name="python run", when_full="block")
            for name in ("a", "b", "c"):
                plot.line(name).add_many(xs, xs)
            print("finished", plot.finish(), plot.dropped)
            """, viewer: null);
        Assert.Equal("True 0", await python.ValueAsync("finished"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var row = (await api.JsonAsync("api/producers")).EnumerateArray().SingleOrDefault();
            if (row.ValueKind != System.Text.Json.JsonValueKind.Undefined && row.GetProperty("state").GetString() == "finished")
            {
                Assert.Equal("python run", row.GetProperty("name").GetString());
                Assert.Equal(300_000, row.GetProperty("points").GetInt64());
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the Python producer never finished: {row}");
            await Task.Delay(20);
        }
        var series = await api.SeriesAsync();
        Assert.Equal(["a", "b", "c"], series.Select(s => s.Name));
        Assert.All(series, s => Assert.Equal(100_000, s.Count));
        Assert.Equal(0, await python.EndAsync());
    }

    [Fact]
    public async Task Python_client_adds_points_one_by_one_through_plotpipe_view_found_on_the_path()
    {
        // `plotpipe` on the PATH, as `dotnet tool install -g PlotPipe.Tool` puts it, and no PLOTPIPE_VIEWER.
        var bin = Directory.CreateTempSubdirectory("plotpipe-path-");
        try
        {
            var tool = Path.Combine(bin.FullName, "plotpipe");
            await File.WriteAllTextAsync(tool, $"#!/bin/sh\nexec '{Dotnet()}' '{Path.Combine(AppContext.BaseDirectory, "PlotPipe.Cli.dll")}' \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var python = Python.Start("""
                import plotpipe
                with plotpipe.spawn(open_browser=False) as plot:
                    print("url", plot.url)
                    line = plot.line("steps", "k-")
                    for i in range(100_000):
                        line.add(i, i * i)
                print("finished", plot.viewer_connected, plot.dropped)
                input()
                plot.close_viewer()
                """, viewer: null, path: bin.FullName + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
            using var api = new ViewerApi(new Uri(await python.ValueAsync("url")));
            Assert.Equal("True 0", await python.ValueAsync("finished"));

            var status = await api.WaitForStatusAsync(s => s.State == "finished");
            var steps = Assert.Single(await api.SeriesAsync());
            Assert.Equal(("steps", "k-", "line", 100_000L), (steps.Name, steps.Format, steps.Kind, steps.Count));
            // A line rejects x that goes backwards: none did, so every point arrived in order.
            Assert.Equal(0, status.OutOfOrder);
            Assert.Equal(100_000, status.Points);
            await python.EndAsync();
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Python_loop_keeps_running_and_counts_its_points_when_the_viewer_is_killed()
    {
        await using var python = Python.Start("""
            import time, plotpipe
            plot = plotpipe.spawn(open_browser=False)
            s = plot.line("s")
            for i in range(1000):
                s.add(i, i)
            plot.close_viewer()
            plot.wait_for_viewer_exit(30)
            i = 1000
            deadline = time.monotonic() + 10
            while plot.viewer_connected and time.monotonic() < deadline:
                s.add(i, i)
                i += 1
            before = s.dropped
            started = time.monotonic()
            for k in range(100_000):
                s.add(k, k)
            s.add_many(range(10), range(10))
            print("lost", plot.viewer_connected, s.dropped - before, time.monotonic() - started < 5)
            print("finish", plot.finish(), time.monotonic() - started < 5)
            """);
        Assert.Equal("False 100010 True", await python.ValueAsync("lost"));
        Assert.Equal("False True", await python.ValueAsync("finish"));
        Assert.Equal(0, await python.EndAsync());
        // Reported once, in the log, not raised.
        Assert.Equal(1, CountOf(python.Errors, "PlotPipe: the viewer went away"));
    }

    [Fact]
    public async Task A_stalled_viewer_costs_the_python_loop_dropped_points_and_the_viewer_is_told_their_exact_count()
    {
        await using var python = Python.Start("""
            import os, signal, plotpipe
            plot = plotpipe.spawn(open_browser=False, buffer_points=10_000, max_buffer_bytes=160_000)
            print("url", plot.url)
            s = plot.line("s")
            s.add(-1, -1)
            # The viewer stops reading: the pipe and the buffer fill, and the rest is dropped rather than waited for.
            os.kill(plot._viewer.pid, signal.SIGSTOP)
            for i in range(1_000_000):
                s.add(i, i)
            dropped = s.dropped
            os.kill(plot._viewer.pid, signal.SIGCONT)
            print("finished", plot.finish(), dropped, s.dropped)
            input()
            plot.close_viewer()
            """);
        using var api = new ViewerApi(new Uri(await python.ValueAsync("url")));
        var finished = (await python.ValueAsync("finished")).Split(' ');
        // Everything it did not drop arrived, but not everything added: finish() says so.
        Assert.Equal("False", finished[0]);
        long dropped = long.Parse(finished[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(finished[1], finished[2]);
        Assert.True(dropped > 0, "nothing was dropped: the viewer never stalled the stream");

        var status = await api.WaitForStatusAsync(s => s.State == "finished");
        Assert.Equal(dropped, status.Dropped);
        Assert.Equal(1_000_001 - dropped, status.Points);
        Assert.Equal(0, status.OutOfOrder);
        await python.EndAsync();
        Assert.Equal(1, CountOf(python.Errors, "PlotPipe: dropping points"));
        Assert.Contains("raise max_buffer_bytes", python.Errors);
    }

    [Fact]
    public async Task Python_add_many_of_ten_million_points_reaches_an_idle_viewer_whole_under_the_default_options()
    {
        await using var python = Python.Start("""
            import array, plotpipe
            n = 10_000_000
            xs = array.array("d", range(n))
            plot = plotpipe.spawn(open_browser=False)
            print("url", plot.url)
            s = plot.line("burst")
            s.add_many(xs, xs)
            print("added", s.dropped)
            print("finished", plot.finish(60), plot.dropped)
            input()
            plot.close_viewer()
            """);
        using var api = new ViewerApi(new Uri(await python.ValueAsync("url")));
        Assert.Equal("0", await python.ValueAsync("added"));
        Assert.Equal("True 0", await python.ValueAsync("finished"));
        var status = await api.WaitForStatusAsync(s => s.State == "finished", TimeSpan.FromSeconds(60));
        Assert.Equal(10_000_000, status.Points);
        Assert.Equal(0, status.Dropped);
        Assert.Equal(0, status.OutOfOrder);
        await python.EndAsync();
        Assert.DoesNotContain("dropping points", python.Errors);
    }

    [Fact]
    public async Task Python_finish_returns_with_the_png_on_disk()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-py-finish-{Guid.NewGuid():N}.png");
        try
        {
            // The viewer stays up after the stream ends: only finish() waiting for it can make the file be there in time.
            await using var python = Python.Start($$"""
                import os, plotpipe
                png = {{System.Text.Json.JsonSerializer.Serialize(png)}}
                plot = plotpipe.spawn(open_browser=False, save_png=png)
                dots = plot.scatter("samples", "ro")
                for i in range(10):
                    dots.add(i % 5, i // 5)
                print("finished", plot.finish(), os.path.exists(png))
                input()
                plot.close_viewer()
                """);
            Assert.Equal("True True", await python.ValueAsync("finished"));
            Assert.Equal(0, await python.EndAsync());
            // Ten separate red dots on the plot, plus the legend's marker.
            Assert.Equal(11, RedDots.Count(png));
            Assert.Contains($"plotpipe: saved {png}", python.Errors);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public async Task A_viewer_that_refuses_the_stream_is_reported_in_its_own_words()
    {
        await using var python = Python.Start("""
            import time, plotpipe
            # A handshake of a version the viewer does not speak: it refuses the stream at byte 4 and closes its input.
            plotpipe.encode_handshake = lambda version=None: b"PLTP\x63\x00\x00\x00"
            plot = plotpipe.spawn(open_browser=False)
            s = plot.line("s")
            deadline = time.monotonic() + 10
            while plot.viewer_lost_reason is None and time.monotonic() < deadline:
                s.add(1, 1)
                time.sleep(0.001)
            print("reason", plot.viewer_connected, plot.viewer_lost_reason)
            plot.close_viewer()
            """);
        Assert.StartsWith("False plotpipe: bad input at byte 4: unsupported protocol version 99", await python.ValueAsync("reason"));
        Assert.Equal(0, await python.EndAsync());
    }

    [Fact]
    public async Task A_viewer_that_cannot_start_raises_one_RuntimeError_quoting_its_error_output()
    {
        await using var python = Python.Start("""
            import plotpipe
            try:
                plotpipe.spawn(open_browser=False, viewer=plotpipe.os.environ["PLOTPIPE_VIEWER"] + " --max-memory 1")
            except RuntimeError as e:
                print("error", e)
            """);
        var error = await python.ValueAsync("error");
        Assert.Contains("before printing its address", error);
        Assert.Contains("--max-memory 1 is not a size", error);
        Assert.Equal(0, await python.EndAsync());
    }

    [Fact]
    public async Task The_multiprocess_example_saves_a_picture_of_ten_red_dots()
    {
        var png = Path.Combine(Path.GetTempPath(), $"plotpipe-py-{Guid.NewGuid():N}.png");
        try
        {
            await using var python = Python.Run(Path.Combine(ClientDir, "examples", "multiprocess.py"), "--no-browser", "--png", png, "--interval", "0.01");
            Assert.StartsWith("http://127.0.0.1:", await python.ValueAsync("PlotPipe viewer:"));
            Assert.Equal(0, await python.EndAsync());
            // Ten separate red dots on the plot, plus the legend's marker.
            Assert.Equal(11, RedDots.Count(png));
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static string Dotnet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    /// <summary>A python3 process running in clients/python, its output read line by line as "key value".</summary>
    private sealed class Python : IAsyncDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
        private readonly Process _process;
        private readonly StringBuilder _errors = new();
        private readonly Task _errorsRead;

        private Python(Process process)
        {
            _process = process;
            _errorsRead = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                    lock (_errors) _errors.AppendLine(line);
            });
        }

        /// <summary>What the process wrote to standard error so far (the client's log, the viewer's lines).</summary>
        public string Errors
        {
            get
            {
                lock (_errors) return _errors.ToString();
            }
        }

        /// <summary>Runs <paramref name="code"/> with the viewer built beside these tests as PLOTPIPE_VIEWER (or <paramref name="viewer"/>).</summary>
        public static Python Start(string code, string? viewer = "", string? path = null) => Launch(["-c", code], viewer, path);

        /// <summary>Runs python3 with <paramref name="arguments"/> and the viewer built beside these tests.</summary>
        public static Python Run(params string[] arguments) => Launch(arguments, "", null);

        private static Python Launch(string[] arguments, string? viewer, string? path)
        {
            var start = new ProcessStartInfo(Python3(path))
            {
                WorkingDirectory = ClientDir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-u");
            foreach (var a in arguments) start.ArgumentList.Add(a);
            start.Environment["PYTHONPATH"] = ClientDir;
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            if (path is not null) start.Environment["PATH"] = path;
            if (viewer == "") start.Environment["PLOTPIPE_VIEWER"] = $"'{Dotnet()}' '{Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll")}'";
            else if (viewer is null) start.Environment.Remove("PLOTPIPE_VIEWER");
            else start.Environment["PLOTPIPE_VIEWER"] = viewer;
            return new Python(Process.Start(start)!);
        }

        // The tests need Debian's python3 (test.sh installs it): a missing one is a failure that says so, not a skip.
        private static string Python3(string? path)
        {
            foreach (var dir in (path ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, "python3");
                if (File.Exists(candidate)) return candidate;
            }
            Assert.Fail("python3 is not on the PATH: the Python client's tests need it (./test.sh installs it; on Debian: sudo apt-get install python3)");
            return "";
        }

        /// <summary>The rest of the first output line that starts with <paramref name="key"/>; fails, quoting standard error, if none comes.</summary>
        public async Task<string> ValueAsync(string key)
        {
            using var cancel = new CancellationTokenSource(Patience);
            try
            {
                while (await _process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
                {
                    if (line.StartsWith(key + " ", StringComparison.Ordinal)) return line[(key.Length + 1)..];
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"python3 printed no \"{key}\" line within {Patience.TotalSeconds} s; its error output:\n{Errors}");
            }
            await _errorsRead;
            Assert.Fail($"python3 ended without printing a \"{key}\" line; its error output:\n{Errors}");
            return "";
        }

        /// <summary>Lets a script waiting on input() go on, waits for it to exit and returns its exit code.</summary>
        public async Task<int> EndAsync()
        {
            try
            {
                _process.StandardInput.WriteLine();
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It had already exited.
            }
            using var cancel = new CancellationTokenSource(Patience);
            await _process.WaitForExitAsync(cancel.Token);
            await _errorsRead;
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            // Its spawned viewer goes with it.
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
