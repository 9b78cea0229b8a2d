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
    public TextFeed(TextOptions? options = null, long shownInFull = TextProblems.ShownInFull)
    {
        Store = new PlotStore();
        Series = new TextSeries(Store);
        Problems = new TextProblems(Store, Reports.Add, shownInFull: shownInFull);
        Parser = new TextParser(options ?? new TextOptions(), Series, Problems);
    }

    public PlotStore Store { get; }
    public TextSeries Series { get; }
    public TextProblems Problems { get; }
    public TextParser Parser { get; }
    public List<string> Reports { get; } = [];

    /// <summary>The most bytes the parser left unconsumed after any arrival.</summary>
    public long MostLeft { get; private set; }

    private byte[] _left = [];

    /// <summary>Parses <paramref name="text"/> arriving in one piece.</summary>
    public static TextFeed Parse(string text, TextOptions? options = null) => Parse(Encoding.UTF8.GetBytes(text), options, []);

    /// <summary>Parses <paramref name="bytes"/> arriving in pieces cut at <paramref name="cuts"/>.</summary>
    public static TextFeed Parse(byte[] bytes, TextOptions? options, params int[] cuts) => Parse(bytes, options, TextProblems.ShownInFull, cuts);

    /// <summary>Parses <paramref name="bytes"/> arriving in pieces cut at <paramref name="cuts"/>, reporting the first <paramref name="shownInFull"/> bad lines.</summary>
    public static TextFeed Parse(byte[] bytes, TextOptions? options, long shownInFull, params int[] cuts)
    {
        var feed = new TextFeed(options, shownInFull);
        int from = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < bytes.Length).Order())
        {
            feed.Arrive(bytes.AsSpan(from, cut - from).ToArray(), false);
            from = cut;
        }
        feed.Arrive(bytes.AsSpan(from).ToArray(), true);
        return feed;
    }

    /// <summary>Hands the parser what it left plus <paramref name="bytes"/>, as two segments; flushes the series.</summary>
    public void Arrive(byte[] bytes, bool isCompleted)
    {
        var buffer = Sequence(_left, bytes);
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

    private static ReadOnlySequence<byte> Sequence(byte[] first, byte[] second) => ByteSegments.Of([first, second]);
}
