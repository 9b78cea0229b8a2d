using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using PlotPipe.Protocol;

using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Listen;

/// <summary><c>--listen</c>: many producers at once over real loopback TCP, each its own name, series, state and counts, and the token at the door.</summary>
public class ListenerTests
{
    private static async Task StreamAsync(TcpProducer producer, string series, int frames, int pointsPerFrame, TimeSpan every)
    {
        var xs = new double[pointsPerFrame];
        var ys = new double[pointsPerFrame];
        await producer.SendAsync(w => FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, series, "-"));
        var clock = Stopwatch.StartNew();
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < pointsPerFrame; i++)
            {
                xs[i] = (double)f * pointsPerFrame + i;
                ys[i] = i;
            }
            await producer.SendAsync(w => FrameWriter.WritePoints(w, 0, xs, ys));
            // Pacing to the rate asked for, not synchronisation: the counts are checked by polling afterwards.
            var due = every * (f + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
        }
    }

    private static Dictionary<string, JsonElement> ByName(JsonElement rows)
    {
        var map = new Dictionary<string, JsonElement>();
        foreach (var row in rows.EnumerateArray()) map[row.GetProperty("name").GetString()!] = row;
        return map;
    }

    [Fact]
    public async Task Sixty_four_producers_stream_at_once_with_exact_counts_and_one_killed_mid_frame_disconnects_alone()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0", "--max-memory", "2G");
        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", viewer.ProducersAddress);
        const int producers = 64, frames = 300, perFrame = 1000; // 100,000 points/s each for 3 s
        var killedName = "worker 13";
        var tasks = new List<Task>();
        for (int p = 0; p < producers; p++)
        {
            string name = $"worker {p}";
            tasks.Add(Task.Run(async () =>
            {
                using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, name, viewer.Token);
                if (name == killedName)
                {
                    // Taken off the socket first, as the producers' readers do: a socket closed with unread bytes
                    // is reset, not ended, and a reset makes the viewer's kernel drop what it had not yet read.
                    Assert.Equal(TcpProducer.Accepted, await producer.ReadAsync(1));
                    await StreamAsync(producer, "loss", frames / 2, perFrame, TimeSpan.FromMilliseconds(10));
                    // Half a points frame, then the connection dies.
                    var w = new ArrayBufferWriter<byte>();
                    FrameWriter.WritePoints(w, 0, new double[perFrame], new double[perFrame]);
                    await producer.SendRawAsync(w.WrittenMemory[..(w.WrittenCount / 2)]);
                    return;
                }
                await StreamAsync(producer, "loss", frames, perFrame, TimeSpan.FromMilliseconds(10));
                await producer.SendAsync(FrameWriter.WriteFinish);
                // The viewer closes a finished producer's connection once it has read everything.
                Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
            }));
        }
        await Task.WhenAll(tasks);

        await viewer.WaitForAsync(async () =>
        {
            foreach (var row in (await viewer.GetAsync("api/producers")).EnumerateArray())
                if (row.GetProperty("state").GetString() == "streaming") return false;
            return true;
        }, "every producer to be done");
        var rows = ByName(await viewer.GetAsync("api/producers"));
        Assert.Equal(producers, rows.Count);
        foreach (var (name, row) in rows)
        {
            bool killed = name == killedName;
            Assert.Equal(killed ? "disconnected" : "finished", row.GetProperty("state").GetString());
            Assert.Equal(killed ? frames / 2 * perFrame : frames * perFrame, row.GetProperty("points").GetInt64());
            Assert.Equal(0, row.GetProperty("dropped").GetInt64());
            Assert.Matches(@"^127\.0\.0\.1:\d+$", row.GetProperty("address").GetString());
        }
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
        Assert.Equal(producers, series.Count);
        foreach (var s in series)
        {
            Assert.Equal("loss", s.GetProperty("name").GetString());
            long expected = s.GetProperty("producer").GetString() == killedName ? frames / 2 * perFrame : frames * perFrame;
            Assert.Equal(expected, s.GetProperty("count").GetInt64());
        }
        var status = await viewer.GetAsync("api/status");
        Assert.Equal("disconnected", status.GetProperty("state").GetString());
        Assert.Equal((producers - 1L) * frames * perFrame + frames / 2 * perFrame, status.GetProperty("points").GetInt64());
        Assert.Equal(0, status.GetProperty("evicted").GetInt64());
        Assert.Contains($"producer \"{killedName}\"", viewer.Errors);
    }

    [Fact]
    public async Task A_producer_the_viewer_takes_is_told_so_with_an_empty_line_as_soon_as_its_Hello_is_read()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "told", viewer.Token);
        // Nothing but the Hello sent, the connection still open: the producer knows a viewer holds its stream.
        Assert.Equal(TcpProducer.Accepted, await producer.ReadAsync(1));
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2], [1, 2]);
            FrameWriter.WriteFinish(w);
        });
        // Said once: nothing follows it but the close after the Finish.
        Assert.Equal("", await producer.ReadToEndAsync());
        await viewer.WaitForAsync(async () => await viewer.CountAsync("loss") == 2, "2 points");
    }

    [Theory]
    [InlineData("wrong", "wrong token")]
    [InlineData("missing", "missing token")]
    [InlineData("version 1", "version 1")]
    public async Task Producer_without_the_right_token_or_a_Hello_is_refused_with_a_reason_and_stores_nothing(string how, string reason)
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var producer = await TcpProducer.ConnectAsync(viewer.ProducerPort);
        await producer.SendAsync(w =>
        {
            FrameWriter.WriteHandshake(w, version: how == "version 1" ? (ushort)1 : ProtocolLimits.Version);
            if (how != "version 1") FrameWriter.WriteHello(w, "intruder", how == "wrong" ? "not-the-token-at-all-0123" : "");
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
            FrameWriter.WritePoints(w, 0, [1, 2, 3], [1, 2, 3]);
            FrameWriter.WriteFinish(w);
        });
        var said = await producer.ReadToEndAsync();
        Assert.StartsWith("plotpipe: refused: ", said);
        Assert.Contains(reason, said);
        Assert.EndsWith("\n", said);

        var status = await viewer.GetAsync("api/status");
        Assert.Equal(1, status.GetProperty("refusedProducers").GetInt64());
        Assert.Equal(0, status.GetProperty("points").GetInt64());
        Assert.Empty((await viewer.GetAsync("api/series")).EnumerateArray());
        Assert.Empty((await viewer.GetAsync("api/producers")).EnumerateArray());
        await viewer.WaitForAsync(() => Task.FromResult(viewer.Errors.Contains("refused producer from 127.0.0.1:")), "the refusal's line on standard error");
        Assert.Contains(reason, viewer.Errors);
    }

    [Fact]
    public async Task Viewer_bound_to_every_address_refuses_a_producer_without_the_token_and_takes_one_with_it()
    {
        // Bound to 0.0.0.0; the producers connect through 127.0.0.1, never another address.
        using var viewer = await CommandLineViewer.StartAsync("--listen", "0.0.0.0:0");
        Assert.Matches(@"^tcp://0\.0\.0\.0:\d+$", viewer.ProducersAddress);
        using (var intruder = await TcpProducer.HelloAsync(viewer.ProducerPort, "intruder", "guessed-token-guessed-token"))
        {
            await intruder.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "stolen", "-");
                FrameWriter.WritePoints(w, 0, [1], [1]);
            });
            Assert.Equal("plotpipe: refused: wrong token\n", await intruder.ReadToEndAsync());
        }
        using (var trusted = await TcpProducer.HelloAsync(viewer.ProducerPort, "trusted", viewer.Token))
        {
            await trusted.SendAsync(w =>
            {
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Scatter, "samples", "ro");
                FrameWriter.WritePoints(w, 0, [1, 2], [3, 4]);
                FrameWriter.WriteFinish(w);
            });
            Assert.Equal(TcpProducer.Accepted, await trusted.ReadToEndAsync());
        }
        var series = (await viewer.GetAsync("api/series")).EnumerateArray().ToList();
        var only = Assert.Single(series);
        Assert.Equal(("samples", "trusted", 2L), (only.GetProperty("name").GetString(), only.GetProperty("producer").GetString(), only.GetProperty("count").GetInt64()));
        Assert.Equal(1, (await viewer.GetAsync("api/status")).GetProperty("refusedProducers").GetInt64());
    }

    [Fact]
    public async Task Listening_on_every_address_without_a_token_is_refused_at_start()
    {
        var (exitCode, output, errors) = await CommandLineViewer.RunRefusedAsync("--listen", "0.0.0.0:0", "--no-token");
        Assert.Equal(2, exitCode);
        Assert.DoesNotContain("PlotPipe producers:", output);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--no-token is refused with --listen 0.0.0.0:0", line);
    }

    [Fact]
    public async Task Listening_on_a_port_already_taken_is_refused_at_start_with_one_line()
    {
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            var (exitCode, output, errors) = await CommandLineViewer.RunRefusedAsync("--listen", $"127.0.0.1:{port}");
            Assert.Equal(1, exitCode);
            Assert.DoesNotContain("PlotPipe producers:", output);
            Assert.Equal($"plotpipe: port {port} is taken: choose another with --listen, or 0 for a free one", Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task Two_producers_of_the_same_name_show_as_two_runs_with_their_own_series()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        for (int run = 1; run <= 2; run++)
        {
            using var producer = await TcpProducer.HelloAsync(viewer.ProducerPort, "train.py", viewer.Token);
            var ys = new double[run];
            await producer.SendAsync(w =>
            {
                // Both runs use wire id 0: ids belong to their producer.
                FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "loss", "-");
                FrameWriter.WritePoints(w, 0, ys, ys);
                FrameWriter.WriteFinish(w);
            });
            Assert.Equal(TcpProducer.Accepted, await producer.ReadToEndAsync());
        }
        await viewer.WaitForAsync(async () => (await viewer.GetAsync("api/status")).GetProperty("state").GetString() == "finished", "both runs finished");
        var producers = ByName(await viewer.GetAsync("api/producers"));
        Assert.Equal(["train.py", "train.py (2)"], producers.Keys.Order());
        Assert.Equal(1, producers["train.py"].GetProperty("points").GetInt64());
        Assert.Equal(2, producers["train.py (2)"].GetProperty("points").GetInt64());
        var series = (await viewer.GetAsync("api/series")).EnumerateArray()
            .Select(s => (s.GetProperty("producer").GetString(), s.GetProperty("name").GetString(), s.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("train.py", "loss", 1L), ("train.py (2)", "loss", 2L)], series);
    }

    [Fact]
    public async Task Fatal_protocol_error_closes_that_producer_at_once_and_leaves_the_others_streaming()
    {
        using var viewer = await CommandLineViewer.StartAsync("--listen", "127.0.0.1:0");
        using var steady = await TcpProducer.HelloAsync(viewer.ProducerPort, "steady", viewer.Token);
        await steady.SendAsync(w =>
        {
            FrameWriter.WriteDefineSeries(w, 0, SeriesKind.Line, "a", "-");
            FrameWriter.WritePoints(w, 0, [1, 2], [1, 2]);
        });
        using (var broken = await TcpProducer.HelloAsync(viewer.ProducerPort, "broken", viewer.Token))
        {
            // Points for a series never defined: fatal for this connection, which the viewer closes at once, saying why.
            await broken.SendAsync(w => FrameWriter.WritePoints(w, 5, [1], [1]));
            var said = await broken.ReadToEndAsync();
            Assert.StartsWith(TcpProducer.Accepted + "plotpipe: producer \"broken\" (127.0.0.1:", said);
            Assert.Contains("bad input at byte ", said);
            Assert.Contains("which no DefineSeries frame has named", said);
            // Its own points, not the other producer's.
            Assert.Contains("kept the 0 points received before it", said);
            Assert.EndsWith("\n", said);
        }
        await steady.SendAsync(w =>
        {
            FrameWriter.WritePoints(w, 0, [3], [3]);
            FrameWriter.WriteFinish(w);
        });
        Assert.Equal(TcpProducer.Accepted, await steady.ReadToEndAsync());
        var producers = ByName(await viewer.GetAsync("api/producers"));
        Assert.Equal(("finished", 3L), (producers["steady"].GetProperty("state").GetString(), producers["steady"].GetProperty("points").GetInt64()));
        Assert.Equal("disconnected", producers["broken"].GetProperty("state").GetString());
        Assert.Equal("disconnected", (await viewer.GetAsync("api/status")).GetProperty("state").GetString());
    }
}
