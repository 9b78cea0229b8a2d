using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>
/// The real text parser against the reference model (<see cref="TextModel"/>) on generated input (<see cref="TextGen"/>)
/// arriving in random pieces and segments: the same points in the same series, and the same bad lines. A few
/// thousand cases run with the tests; set PLOTPIPE_TEXT_CASES (e.g. 1000000) for a long run, and
/// PLOTPIPE_TEXT_SEED to replay a failure.
/// </summary>
public partial class TextPropertyTests(ITestOutputHelper output)
{
    private static readonly long Cases =
        long.TryParse(Environment.GetEnvironmentVariable("PLOTPIPE_TEXT_CASES"), out long n) && n > 0 ? n : 4_000;

    private static readonly string? Seed = Environment.GetEnvironmentVariable("PLOTPIPE_TEXT_SEED") is { Length: > 0 } s ? s : null;

    [Fact]
    public void Text_in_any_pieces_stores_the_models_points_and_names_the_models_bad_lines()
    {
        var seen = new ConcurrentDictionary<string, long>();
        TextGen.Cases.Sample(c =>
        {
            var model = TextModel.Read(c.Input, c.Options());
            var feed = TextFeed.ParseReportingAll(c.Input, c.Options(), c.Cuts, c.Segments);

            Assert.DoesNotContain(feed.Reports, r => r.Contains("could not be read", StringComparison.Ordinal));
            Assert.Equal(model.BadLines, feed.BadLineNumbers);
            Assert.Equal(model.BadLines.Count, feed.Store.BadLines);
            var real = feed.Store.Series.Select(s =>
            {
                var snap = s.Snapshot();
                var points = Enumerable.Range(0, (int)snap.Count).Select(i => (snap.X(i), snap.Y(i))).ToList();
                return new ModelSeries(s.Name, s.Definition.Panel, (s.Definition.Flags & Protocol.SeriesFlags.TimeX) != 0, points).ToString();
            });
            // Bit for bit: ToString("R") tells -0 from 0 and keeps every digit.
            Assert.Equal(model.Series.Select(s => s.ToString()), real);

            // What the cases reached, so a generator that stopped reaching something shows.
            foreach (var r in feed.Reports) seen.AddOrUpdate(Rule(r), 1, (_, k) => k + 1);
            if (model.Series.Any(s => s.Timed)) seen.AddOrUpdate("(timed series)", 1, (_, k) => k + 1);
            if (model.Series.Any(s => s.Panel > 0)) seen.AddOrUpdate("(series in a panel)", 1, (_, k) => k + 1);
            if (model.Series.Sum(s => s.Points.Count) > 0) seen.AddOrUpdate("(points stored)", 1, (_, k) => k + 1);
        }, output.WriteLine, seed: Seed, iter: Cases, print: c => c.ToString());

        foreach (var (rule, count) in seen.OrderByDescending(p => p.Value)) output.WriteLine($"{count,9}  {rule}");
        string[] reached =
        [
            "not UTF-N text", "escapes half a surrogate pair", "not valid JSON", "not a JSON object", "no numeric field",
            "names a series but has no numeric", "is not a number", "where the first data row had", "longer than the limit",
            "not a row of numbers", "no column is named", "field for x", "is a time, but", "no data:",
            "(timed series)", "(series in a panel)", "(points stored)",
        ];
        if (Cases >= 4_000)
        {
            foreach (var rule in reached)
                Assert.True(seen.Keys.Any(k => k.Contains(rule, StringComparison.Ordinal)), $"no case reached \"{rule}\"");
        }
    }

    // A report without its line number, quoted text and numbers: the rule it names.
    private static string Rule(string report)
    {
        int colon = report.IndexOf(": ", StringComparison.Ordinal);
        var rule = report.StartsWith("line ", StringComparison.Ordinal) && colon > 0 ? report[(colon + 2)..] : report;
        rule = Quoted().Replace(rule, "S");
        rule = Numbers().Replace(rule, "N");
        return rule.Length > 80 ? rule[..80] : rule;
    }

    [GeneratedRegex("\"[^\"]*\"(\\.\\.\\.)?")]
    private static partial Regex Quoted();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
