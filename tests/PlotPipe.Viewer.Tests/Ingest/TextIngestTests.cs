using System.Diagnostics;
using System.IO.Pipelines;
using System.IO.Pipes;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Ingest;

public class TextIngestTests
{
    [Fact]
    public async Task Text_with_no_line_of_data_finishes_with_its_reason_as_the_status_error()
    {
        var store = new PlotStore();
        var reports = new List<string>();
        var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("hello there\nnothing to plot here\n"));
        await InputIngest.RunAsync(PipeReader.Create(input), store, new TextOptions(), reports.Add, CancellationToken.None);
        Assert.Equal(StreamState.Finished, store.State);
        Assert.StartsWith("no data: none of the lines read is a row of numbers", store.Error);
        Assert.Equal(store.Error, Assert.Single(reports));
    }

    [Theory]
    [InlineData("", "no data: the input was empty")]
    [InlineData("\n# vmstat: command not found\n\n", "no data: the input ended after 3 lines, each blank or a # comment")]
    public async Task Input_with_no_line_to_read_finishes_saying_so_on_standard_error_and_the_status(string text, string expected)
    {
        var store = new PlotStore();
        var reports = new List<string>();
        var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        await InputIngest.RunAsync(PipeReader.Create(input), store, new TextOptions(), reports.Add, CancellationToken.None);
        Assert.Equal(StreamState.Finished, store.State);
        Assert.Equal(expected, store.Error);
        Assert.Equal(expected, Assert.Single(reports));
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public async Task Utf16_text_is_refused_naming_its_encoding_and_how_to_convert_it(string encodingName)
    {
        // As Windows PowerShell's ">" writes a CSV: a byte order mark, then two bytes a character.
        var encoding = System.Text.Encoding.GetEncoding(encodingName);
        byte[] bytes = [.. encoding.GetPreamble(), .. encoding.GetBytes("step,loss\r\n1,0.5\r\n")];
        var store = new PlotStore();
        var reports = new List<string>();
        await InputIngest.RunAsync(PipeReader.Create(new MemoryStream(bytes)), store, new TextOptions(), reports.Add, CancellationToken.None);
        Assert.Equal(StreamState.Disconnected, store.State);
        Assert.Equal("the input is UTF-16 text (it starts with a UTF-16 byte order mark), and text is read as UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)", Assert.Single(reports));
        Assert.Equal(reports[0], store.Error);
    }

    [Fact]
    public async Task Each_line_written_to_an_os_pipe_reaches_the_store_within_50_ms()
    {
        var store = new PlotStore();
        var reports = new List<string>();
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var ingest = Task.Run(() => InputIngest.RunAsync(PipeReader.Create(client, new StreamPipeReaderOptions(bufferSize: 1 << 20)),
            store, new TextOptions(), reports.Add, CancellationToken.None));
        var latencies = new List<double>();
        for (int i = 1; i <= 20; i++)
        {
            long seen = store.Version;
            var clock = Stopwatch.StartNew();
            await server.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{i} {i * i}\n"));
            await server.FlushAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (store.TotalPoints < i)
            {
                await store.WaitForChangeAsync(seen, deadline.Token);
                seen = store.Version;
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        server.Dispose();
        await ingest.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StreamState.Finished, store.State);
        Assert.Empty(reports);
        latencies.Sort();
        Assert.True(latencies[10] < 50, $"median {latencies[10]:F1} ms from write to store (max {latencies[^1]:F1})");
    }
}
