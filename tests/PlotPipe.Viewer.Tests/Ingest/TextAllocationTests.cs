using System.Buffers;
using System.Globalization;
using System.Text;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>The parser's hot path: once the series are defined, reading more lines allocates nothing.</summary>
public class TextAllocationTests
{
    public static TheoryData<string, string, int> Streams => new()
    {
        { "csv", "step,loss,acc,lr\n", 3 },
        { "vmstat", "procs ---memory---\n r b free\n", 3 },
        { "iso", "time,load\n", 1 },
        { "json", "", 1 },
        { "json-series", "", 1 },
        { "quoted", "\"step\",\"loss, train\"\n", 1 },
    };

    private static string Row(string kind, int i) => kind switch
    {
        "csv" => string.Create(CultureInfo.InvariantCulture, $"{i},{Math.Exp(-i / 500.0):R},{1 - Math.Exp(-i / 500.0):R},1e-3\n"),
        "vmstat" => $" {i % 9}  0 {20996944 - i}\n",
        "iso" => string.Create(CultureInfo.InvariantCulture, $"2026-12-05T{i / 3600:D2}:{i / 60 % 60:D2}:{i % 60:D2}.{i % 1000:D3}+00:00,{i * 0.5}\n"),
        "json" => string.Create(CultureInfo.InvariantCulture, $"{{\"t\": {i}, \"loss\": {Math.Exp(-i / 500.0):R}, \"note\": \"warm\", \"more\": {{\"a\": [1, 2]}}}}\n"),
        "json-series" => string.Create(CultureInfo.InvariantCulture, $"{{\"series\": \"s{i % 3}\", \"x\": {i}, \"y\": {i * 0.25}}}\n"),
        _ => $"{i},\"{i * 0.5}\"\n",
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Reading_more_lines_allocates_nothing(string kind, string header, int pointsPerLine)
    {
        var feed = new TextFeed();
        // Warm enough for every path to be compiled and every lazy table built.
        var warm = new StringBuilder(header);
        for (int i = 0; i < 2_000; i++) warm.Append(Row(kind, i));
        var more = new StringBuilder();
        for (int i = 2_000; i < 4_000; i++) more.Append(Row(kind, i));
        var first = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(warm.ToString()));
        var second = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(more.ToString()));
        feed.Parser.Consume(ref first, false);
        feed.Series.Flush();

        long before = GC.GetAllocatedBytesForCurrentThread();
        feed.Parser.Consume(ref second, false);
        feed.Series.Flush();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(feed.Reports);
        Assert.Equal(4_000L * pointsPerLine, feed.Store.TotalPoints);
        Assert.Equal(0, allocated);
    }
}
