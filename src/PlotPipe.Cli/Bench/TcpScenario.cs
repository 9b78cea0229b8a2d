using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PlotPipe.Protocol;

namespace PlotPipe.Cli.Bench;

/// <summary>
/// Many producers over TCP (<c>--only tcp</c>): a real viewer started with <c>--listen</c> takes 1 and then 64
/// producers, each a plain socket writing version 2 frames of 8,192 points as fast as the connection takes them;
/// the rate is points stored (every producer's count exact, read from <c>/api/producers</c>) over the time from the
/// first byte to the last producer seen finished. Beside it, the raw ceiling in the same run: the same bytes
/// through a loopback socket into a reader that discards them.
/// </summary>
internal static class TcpScenario
{
    private const int PointsPerFrame = 8192;

    public static void Run(BenchReport report, BenchSettings settings)
    {
        // About a gigabyte of points in all, so each run takes seconds and the store needs no eviction.
        long total = settings.Points > 0 ? settings.Points : 64L << 20;
        var frame = PointsFrame();
        double raw = RawBytesPerSecond(frame, total / PointsPerFrame);
        report.Add(new BenchRow("raw TCP loopback, discard reader", "bandwidth", raw / 1e6, "MB/s", Note: $"{total / PointsPerFrame * frame.Length / 1e6:N0} MB in {frame.Length / 1024} KiB writes"));
        report.Add(new BenchRow("raw TCP loopback, discard reader", "as (x, y) points", raw / 16, "points/s"));
        foreach (int producers in new[] { 1, 64 })
        {
            double rate = Producers(producers, total / producers / PointsPerFrame, frame);
            string scenario = $"TCP --listen, {producers} producer{(producers == 1 ? "" : "s")}";
            report.Add(new BenchRow(scenario, "into the store", rate, "points/s", Note: $"{total:N0} points, every producer's count exact"));
            report.Add(new BenchRow(scenario, "of raw TCP", rate * 16 / raw * 100, "%"));
        }
    }

    private static byte[] PointsFrame()
    {
        var xs = new double[PointsPerFrame];
        var ys = new double[PointsPerFrame];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i;
            ys[i] = Math.Sin(i * 0.01);
        }
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WritePoints(w, 0, xs, ys);
        return w.WrittenSpan.ToArray();
    }

    private static double RawBytesPerSecond(byte[] frame, long frames)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var reader = Task.Run(() =>
            {
                using var socket = listener.AcceptSocket();
                var sink = new byte[1 << 20];
                long n = 0;
                int got;
                while ((got = socket.Receive(sink)) > 0) n += got;
                return n;
            });
            using var client = new TcpClient { NoDelay = true };
            client.Connect(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var stream = client.GetStream();
            long t0 = Stopwatch.GetTimestamp();
            for (long f = 0; f < frames; f++) stream.Write(frame);
            client.Client.Shutdown(SocketShutdown.Send);
            long bytes = reader.GetAwaiter().GetResult();
            return bytes / Harness.Seconds(t0, Stopwatch.GetTimestamp());
        }
        finally
        {
            listener.Stop();
        }
    }

    private static double Producers(int producers, long framesEach, byte[] frame)
    {
        using var viewer = Start(out var url, out int port);
        try
        {
            return Measure(producers, framesEach, frame, url, port);
        }
        finally
        {
            viewer.Kill(entireProcessTree: true);
            viewer.WaitForExit(5000);
        }
    }

    private static double Measure(int producers, long framesEach, byte[] frame, Uri url, int port)
    {
        using var client = new ViewerClient(url);
        string token = url.Query.Split("token=")[1];
        var start = new ManualResetEventSlim();
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            string name = $"bench {p}";
            threads[p] = new Thread(() =>
            {
                using var socket = new TcpClient { NoDelay = true };
                socket.Connect(IPAddress.Loopback, port);
                var stream = socket.GetStream();
                var w = new ArrayBufferWriter<byte>();
                FrameWriter.WriteHandshake(w);
                FrameWriter.WriteHello(w, name, token);
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "points", "o");
                start.Wait();
                stream.Write(w.WrittenSpan);
                for (long f = 0; f < framesEach; f++) stream.Write(frame);
                w.ResetWrittenCount();
                FrameWriter.WriteFinish(w);
                stream.Write(w.WrittenSpan);
                // The viewer closes the connection once it has read the Finish.
                var sink = new byte[64];
                while (stream.Read(sink) > 0) { }
            }) { IsBackground = true };
            threads[p].Start();
        }
        long t0 = Stopwatch.GetTimestamp();
        start.Set();
        long expected = framesEach * PointsPerFrame;
        var deadline = t0 + (long)(600 * Harness.TicksPerSecond);
        while (true)
        {
            int done = 0;
            foreach (var (name, state, points) in client.Producers())
            {
                if (state != "finished") continue;
                if (points != expected) throw new BenchFailure($"producer {name} has {points:N0} points, not {expected:N0}");
                done++;
            }
            long now = Stopwatch.GetTimestamp();
            if (done == producers) return producers * expected / Harness.Seconds(t0, now);
            if (now > deadline) throw new BenchFailure($"{producers - done} of {producers} producers did not finish within 600 s");
            Thread.Sleep(5);
        }
    }

    private static Process Start(out Uri url, out int port)
    {
        var self = Environment.ProcessPath ?? throw new BenchFailure("cannot find this program's path");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(TcpScenario).Assembly.Location);
        foreach (var a in new[] { "view", "--no-browser", "--port", "0", "--listen", "127.0.0.1:0", "--max-memory", "8G" }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new BenchFailure("could not start the viewer");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        process.BeginErrorReadLine();
        Uri? page = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("PlotPipe viewer: ", StringComparison.Ordinal)) page = new Uri(line["PlotPipe viewer: ".Length..]);
            else if (line.StartsWith("PlotPipe producers: ", StringComparison.Ordinal) && page is not null)
            {
                url = page;
                port = int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                return process;
            }
        }
        throw new BenchFailure("the viewer exited before printing its addresses");
    }
}
