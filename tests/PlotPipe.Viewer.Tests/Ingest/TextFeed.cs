using PlotPipe.TestSupport;
using System.Buffers;
using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// Runs the text parser over input as a pipe delivers it: in arrivals, each added as a new segment after the
/// bytes the parser left (a partial line), the last arrival marked as the end of the input.
/// </summary>
internal sealed class TextFeed
{
    public TextFeed(TextOptions? options = null, long shownInFull = TextProblems.ShownInFull, long maxPointsPerSeries = 0)
    {
        // A cap makes the chunks small (at most a quarter of it): many small stores in a property test stay cheap.
        Store = new PlotStore(maxPointsPerSeries);
        Series = new TextSeries(Store);
        Problems = new TextProblems(Store, Reports.Add, shownInFull: shownInFull);
        Parser = new TextParser(options ?? new TextOptions(), Series, Problems);
    }

    public PlotStore Store { get; }
    public TextSeries Series { get; }
    public TextProblems Problems { get; }
    public TextParser Parser { get; }
    public List<string> Reports { get; } = [];

    /// <summary>What was reported besides the advice that series of very different sizes share a y axis (<see cref="TextSeries.Spread"/>).</summary>
    public IEnumerable<string> ReportsBesidesSpread => Reports.Where(r => !r.EndsWith(TextSeries.SpreadAdvice, StringComparison.Ordinal));

    /// <summary>The most bytes the parser left unconsumed after any arrival.</summary>
    public long MostLeft { get; private set; }

    private byte[] _left = [];

    /// <summary>Parses <paramref name="text"/> arriving in one piece.</summary>
    public static TextFeed Parse(string text, TextOptions? options = null) => Parse(Encoding.UTF8.GetBytes(text), options, []);

    /// <summary>Parses <paramref name="bytes"/> arriving in pieces cut at <paramref name="cuts"/>.</summary>
    public static TextFeed Parse(byte[] bytes, TextOptions? options, params int[] cuts) => Parse(new TextFeed(options), bytes, cuts);

    /// <summary>
    /// Parses as <see cref="Parse(byte[], TextOptions?, int[])"/> does, reporting every bad line (not only the first
    /// ten), into a store whose chunks are small: a property test makes many.
    /// </summary>
    /// <remarks>Each arrival is split again into segments at <paramref name="segmentCuts"/>, as a pipe's buffer may hold several.</remarks>
    public static TextFeed ParseReportingAll(byte[] bytes, TextOptions options, int[] cuts, int[] segmentCuts) =>
        Parse(new TextFeed(options, long.MaxValue, maxPointsPerSeries: 1 << 14), bytes, cuts, segmentCuts);

    private static TextFeed Parse(TextFeed feed, byte[] bytes, int[] cuts, int[]? segmentCuts = null)
    {
        int from = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length))
        {
            var pieces = new List<ReadOnlyMemory<byte>> { feed._left };
            int start = from;
            foreach (int s in (segmentCuts ?? []).Where(s => s > from && s < cut).Distinct().Order().Append(cut))
            {
                pieces.Add(bytes.AsSpan(start, s - start).ToArray());
                start = s;
            }
            feed.Arrive(pieces, cut == bytes.Length);
            from = cut;
        }
        return feed;
    }

    /// <summary>Hands the parser what it left plus <paramref name="bytes"/>, as two segments; flushes the series.</summary>
    public void Arrive(byte[] bytes, bool isCompleted) => Arrive([_left, bytes], isCompleted);

    private void Arrive(List<ReadOnlyMemory<byte>> pieces, bool isCompleted)
    {
        var buffer = ByteSegments.Of(pieces);
        Parser.Consume(ref buffer, isCompleted);
        _left = buffer.ToArray();
        MostLeft = Math.Max(MostLeft, _left.Length);
        Series.Flush();
        if (isCompleted) Problems.Complete();
    }

    /// <summary>The (x, y) points of the series named <paramref name="name"/>.</summary>
    public (double X, double Y)[] Points(string name)
    {
        var series = Store.Series.Single(s => s.Name == name);
        var snap = series.Snapshot();
        var points = new (double, double)[snap.Count];
        for (int i = 0; i < points.Length; i++) points[i] = (snap.X(i), snap.Y(i));
        return points;
    }

    /// <summary>The series named <paramref name="name"/>'s definition.</summary>
    public SeriesDefinition Definition(string name) => Store.Series.Single(s => s.Name == name).Definition;

    /// <summary>The line numbers of the bad lines reported in full.</summary>
    public long[] BadLineNumbers => Reports.Where(r => r.StartsWith("line ", StringComparison.Ordinal))
        .Select(r => long.Parse(r[5..r.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The names of the series, in order of definition.</summary>
    public string[] Names => Store.Series.Select(s => s.Name).ToArray();
}
