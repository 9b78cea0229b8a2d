using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Recording;
using PlotPipe.Viewer.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Recording;

/// <summary>
/// The real viewer recording onto outputs that fail for real: a filesystem that fills mid-stream, a FIFO without a
/// reader, a FIFO with one. The totals must add up (received = recorded + lost) and start-up must never wait.
/// </summary>
public sealed class RecordingOutputTests(ITestOutputHelper output) : IDisposable
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _dir = Directory.CreateTempSubdirectory("plotpipe-output-").FullName;

    /// <summary>Removes the test's files.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ViewerDll => Path.Combine(AppContext.BaseDirectory, "PlotPipe.Viewer.dll");

    private static async Task<JsonElement> StatusAsync(Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "api/status"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", url.Query.Split("token=")[1].Split('&')[0]);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForStatusAsync(Uri url, Func<JsonElement, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync(url);
            if (done(status)) return status;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"waited 60 s for {what}: {status.GetRawText()}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_disk_that_fills_mid_stream_stops_the_recording_and_every_point_is_recorded_or_counted_lost()
    {
        // A real filesystem that fills: a 4 MiB tmpfs, mounted in a user and mount namespace of the viewer's own
        // (unshare), so no root is needed and nothing outlives the test. Writes fail there with ENOSPC as on a full
        // disk, part-way through a batch. (A file size limit, prlimit --fsize, would kill .NET with SIGXFSZ instead.)
        var mount = Path.Combine(_dir, "small");
        Directory.CreateDirectory(mount);
        var copy = Path.Combine(_dir, "copy.arrow");
        const string script = """
            mount -t tmpfs -o size=4m tmpfs "$1" || exit 97
            exec 3<&0
            dotnet "$2" --stdin --no-browser --port 0 --record "$1/run.arrow" <&3 3<&- &
            echo "viewer pid $!"
            wait $!
            cp "$1/run.arrow" "$3"
            """;
        var info = new ProcessStartInfo("unshare") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", mount, ViewerDll, copy }) info.ArgumentList.Add(a);
        using var shell = Process.Start(info)!;
        var errors = shell.StandardError.ReadToEndAsync();
        int viewerPid = 0;
        try
        {
            Uri? url = null;
            while (url is null || viewerPid == 0)
            {
                var line = await shell.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null) Assert.Fail($"the namespaced viewer did not start (unshare needs user namespaces): {await errors}");
                if (line.StartsWith("viewer pid ", StringComparison.Ordinal)) viewerPid = int.Parse(line["viewer pid ".Length..]);
                if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) url = new Uri(line["PlotPipe viewer: ".Length..]);
            }
            output.WriteLine(await FillTheDiskAsync(shell, url, viewerPid, copy));
        }
        finally
        {
            // The shell outlives its viewer: while it runs, the viewer may too.
            if (!shell.HasExited)
            {
                if (viewerPid != 0) Kill(viewerPid, 9);
                shell.Kill();
            }
        }
    }

    private static async Task<string> FillTheDiskAsync(Process shell, Uri url, int viewerPid, string copy)
    {

        const int total = 3_000_000, perFrame = 100_000;
        var frames = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(frames, version: 1);
        FrameWriter.WriteDefineSeries(frames, 0, SeriesKind.Line, "a", "b-");
        FrameWriter.WriteDefineSeries(frames, 1, SeriesKind.Scatter, "b", "ro");
        var input = shell.StandardInput.BaseStream;
        await input.WriteAsync(frames.WrittenMemory);
        var xs = new double[perFrame];
        var ys = new double[perFrame];
        for (int at = 0; at < total; at += perFrame)
        {
            for (int i = 0; i < perFrame; i++) xs[i] = ys[i] = at + i;
            frames.ResetWrittenCount();
            FrameWriter.WritePoints(frames, (at / perFrame) % 2, xs, ys);
            await input.WriteAsync(frames.WrittenMemory);
        }
        frames.ResetWrittenCount();
        FrameWriter.WriteFinish(frames);
        await input.WriteAsync(frames.WrittenMemory);
        await input.FlushAsync();

        // Once the stream is finished and the recording has stopped, every point is counted: no waiting on a queue.
        var status = await WaitForStatusAsync(url, s => s.GetProperty("state").GetString() == "finished" && s.GetProperty("recordError").ValueKind == JsonValueKind.String, "the finish and a record error");
        var recording = status.GetProperty("recording");
        long received = recording.GetProperty("received").GetInt64(), recorded = recording.GetProperty("points").GetInt64(), lost = recording.GetProperty("lost").GetInt64();
        Assert.Contains("No space left on device", status.GetProperty("recordError").GetString());
        Assert.Equal(total, status.GetProperty("points").GetInt64());
        Assert.Equal(total, received);
        Assert.True(received == recorded + lost, $"received {received} = recorded {recorded} + lost {lost}: {status.GetRawText()}");
        Assert.InRange(recorded, 1, total - 1);
        Assert.False(recording.GetProperty("active").GetBoolean());

        Assert.Equal(0, Kill(viewerPid, 15));
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        // The full disk kept whole batches and a torn last one: exactly the recorded rows read back.
        long rows = 0;
        await using (var file = File.OpenRead(copy))
        {
            var reader = new RecordingReader(file);
            while (reader.Next()) rows += reader.Rows;
        }
        Assert.Equal(recorded, rows);
        return $"received {received} = recorded {recorded} + lost {lost}; the file reads back {rows} rows";
    }

    [Fact]
    public async Task A_fifo_that_nothing_reads_is_refused_at_start_in_one_line()
    {
        var fifo = Path.Combine(_dir, "unread.arrow");
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();

        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--record", fifo);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"plotpipe: cannot write --record {fifo}: it is a named pipe (FIFO) that nothing reads: start its reader first, as the viewer does not wait for one", errors.Trim());
    }

    [Theory]
    [InlineData("missing/run.arrow", "the folder {dir}/missing does not exist")]
    [InlineData("", "it is a folder")]
    public async Task A_record_path_that_cannot_be_written_is_refused_at_start_in_one_line(string name, string says)
    {
        var path = name.Length == 0 ? _dir : Path.Combine(_dir, name);
        var (code, output, errors) = await CommandLineViewer.RunRefusedAsync("--stdin", "--record", path);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"plotpipe: cannot write --record {path}: {says.Replace("{dir}", _dir, StringComparison.Ordinal)}", errors.Trim());
    }

    [Fact]
    public async Task A_fifo_with_a_reader_gets_the_whole_recording_and_the_address_line_comes_first()
    {
        var fifo = Path.Combine(_dir, "read.arrow");
        var received = Path.Combine(_dir, "received.arrow");
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        // A reader that says when it holds the FIFO open (without waiting for a writer), then copies it to a file
        // until the writer closes it. Polled: a FIFO that no writer has opened yet reads as ended, but does not poll so.
        const string copy = """
            import os, select, sys
            fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
            print("reading", flush=True)
            poll = select.poll()
            poll.register(fd, select.POLLIN)
            with open(sys.argv[2], "wb") as out:
                while True:
                    poll.poll()
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        break
                    out.write(chunk)
            """;
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", copy, fifo, received }) info.ArgumentList.Add(a);
        using var reader = Process.Start(info)!;
        Assert.Equal("reading", await reader.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        SentSeries[] sent = [new("a", 0, 100_000)];
        using (var viewer = await ViewerProcess.StartAsync("--record", fifo))
        {
            await RecordingTests.DefineAsync(viewer, sent);
            await RecordingTests.SendAsync(viewer, sent, 10_000);
            await viewer.FinishAsync();
            await Lifecycle.Http.WaitForAsync(async () => (await RecordingTests.RecordingAsync(viewer)).GetProperty("points").GetInt64() == 100_000, "every point recorded");
            var recording = await RecordingTests.RecordingAsync(viewer);
            Assert.Equal(100_000, recording.GetProperty("received").GetInt64());
            Assert.Equal(0, recording.GetProperty("lost").GetInt64());
            viewer.Signal(15);
            Assert.NotNull(await viewer.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }
        await reader.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var read = await ArrowJs.ReadAsync(received);
        Assert.Null(read.Error);
        Assert.Equal(100_000, read.Rows);
        Assert.Equal(sent[0].Expected(100_000), read.Series("a"));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
