using System.Buffers;
using System.Globalization;
using System.Text;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>The parser's hot path: once the series are defined and the code is warm, reading more lines allocates nothing.</summary>
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

    // The stream cut into arrivals of a few dozen lines, made before the parser reads them.
    private static List<byte[]> Arrivals(string kind, string headerLines, int count, int lines)
    {
        var arrivals = new List<byte[]> { Encoding.UTF8.GetBytes(headerLines) };
        for (int a = 0, line = 0; a < count; a++)
        {
            var text = new StringBuilder();
            for (int i = 0; i < lines; i++) text.Append(Row(kind, line++));
            arrivals.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }
        return arrivals;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Reading_more_lines_allocates_nothing(string kind, string headerLines, int pointsPerLine)
    {
        const int warm = 100, measured = 20, windows = 3, lines = 40;
        var arrivals = Arrivals(kind, headerLines, warm + windows * measured, lines);
        var feed = new TextFeed();
        var allocated = new long[windows];
        for (int a = 0; a < arrivals.Count; a++)
        {
            // Many arrivals, as a pipe delivers them: every path compiled at its final tier before the count starts.
            var bytes = new ReadOnlySequence<byte>(arrivals[a]);
            long before = GC.GetAllocatedBytesForCurrentThread();
            feed.Parser.Consume(ref bytes, false);
            feed.Series.Flush();
            // The first arrival carries the header lines.
            if (a > warm) allocated[(a - warm - 1) / measured] += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Empty(feed.ReportsBesidesSpread);
        Assert.Equal((long)(warm + windows * measured) * lines * pointsPerLine, feed.Store.TotalPoints);
        // A cost of reading lines shows in every window. Once in a full suite run (never alone) one window held a
        // single 5 KB allocation the per-line path does not make; a window free of it is the path's steady state.
        Assert.True(allocated.Min() == 0, $"bytes allocated in each window of {measured} arrivals: {string.Join(", ", allocated)}");
    }
}
