using System.Text.Json;
using PlotPipe.Viewer.Export;
using PlotPipe.Viewer.Tests.Support;

namespace PlotPipe.Viewer.Tests.Export;

/// <summary>The pictures' ticks follow the page's own rules: web/src/format.js, run by node on the same inputs.</summary>
public class AxisTicksTests
{
    // Text widths both sides agree on, so the spacing search is compared and not the fonts.
    private static double FakeWidth(string text) => 7 * text.Length;

    private sealed record Case(string Kind, double Min, double Max, double Length, double Space);

    [Fact]
    public async Task Steps_ticks_and_labels_of_number_time_and_log_axes_are_the_page_s_for_random_ranges()
    {
        var random = new Random(20261206);
        var cases = new List<Case>();
        for (int i = 0; i < 400; i++)
        {
            double length = 80 + random.Next(1_900);
            double space = random.Next(2) == 0 ? 36 : 20 + random.Next(120);
            // Numbers: spans from 1e-9 to 1e20 anywhere from -1e18 to 1e18, some around zero, some far from it.
            double span = Math.Pow(10, -9 + random.NextDouble() * 29);
            double at = random.Next(3) switch { 0 => 0, 1 => (random.NextDouble() - 0.5) * span * 4, _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 19)) };
            cases.Add(new Case("number", at, at + span, length, space));
            // Times: a millisecond to two centuries, from 1950 to 2100 (Unix seconds).
            double t0 = -631_152_000 + random.NextDouble() * 4.7e9;
            cases.Add(new Case("time", t0, t0 + Math.Pow(10, -3 + random.NextDouble() * 12.8), length, space));
            // Log: from 1e-12 to 1e12, a fraction of a decade to twenty decades.
            double lo = Math.Pow(10, -12 + random.NextDouble() * 14);
            cases.Add(new Case("log", lo, lo * Math.Pow(10, 0.05 + random.NextDouble() * 20), length, space));
            // A few lines or steps: where an axis of whole numbers is held to whole steps.
            double first = random.Next(-50, 1_000) + (random.Next(2) == 0 ? 0 : random.NextDouble());
            cases.Add(new Case("number", first, first + 0.5 + random.NextDouble() * 30, length, space));
        }

        var page = await PageAnswersAsync(cases);
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var expected = page[i];
            string what = $"case {i}: {c}";
            if (c.Kind == "log")
            {
                var ticks = AxisTicks.LogTicks(c.Min, c.Max, c.Length, c.Space);
                Assert.True(Numbers(expected.GetProperty("splits")).SequenceEqual(ticks), $"{what}: log ticks {string.Join(" ", ticks)}");
                Same(Strings(expected.GetProperty("labels")), AxisTicks.Logs(ticks), ticks, what);
                continue;
            }
            bool time = c.Kind == "time";
            var steps = time ? AxisTicks.TimeSteps : AxisTicks.NumberSteps;
            Func<List<double>, double, string[]> labelsFor = time ? (t, s) => AxisTicks.Times(t, s) : (t, s) => AxisTicks.Numbers(t, s);
            double spacePx = AxisTicks.HorizontalSpace(c.Min, c.Max, c.Length, steps, labelsFor, FakeWidth);
            Assert.True(expected.GetProperty("space").GetDouble() == spacePx, $"{what}: space {spacePx}, the page's {expected.GetProperty("space")}");
            double step = AxisTicks.PickStep(c.Min, c.Max, steps, c.Length, c.Space);
            Assert.True(expected.GetProperty("incr").GetDouble() == step, $"{what}: step {step}, the page's {expected.GetProperty("incr")}");
            var splits = AxisTicks.Multiples(c.Min, c.Max, step);
            Assert.True(Numbers(expected.GetProperty("splits")).SequenceEqual(splits), $"{what}: ticks {string.Join(" ", splits.Take(5))}...");
            Same(Strings(expected.GetProperty("labels")), labelsFor(splits, step), splits, what);
            double whole = AxisTicks.WholeSpace(c.Min, c.Max, c.Length, spacePx);
            Assert.True(expected.GetProperty("whole").GetDouble() == whole, $"{what}: whole-number space {whole}, the page's {expected.GetProperty("whole")}");
            if (whole != spacePx)
                Assert.All(AxisTicks.Multiples(c.Min, c.Max, AxisTicks.PickStep(c.Min, c.Max, steps, c.Length, whole)), t => Assert.Equal(Math.Floor(t), t));
        }
    }

    // Labels equal, but for a value halfway between two labels (2.5e-7 with a step of 1e-7): the page divides by
    // JavaScript's Math.pow(10, e), which is a unit in the last place off for some e, so such a tie may round either
    // way; then the two labels are the neighbours either side of it.
    private static void Same(string[] page, string[] picture, List<double> values, string what)
    {
        Assert.True(page.Length == picture.Length, $"{what}: {picture.Length} labels, the page's {page.Length}");
        for (int i = 0; i < page.Length; i++)
        {
            if (page[i] == picture[i]) continue;
            double a = PanelPictureTests.PageNumber(page[i]), b = PanelPictureTests.PageNumber(picture[i]), v = values[i];
            bool tie = Math.Abs(Math.Abs(v - a) - Math.Abs(v - b)) <= 1e-9 * Math.Abs(v);
            Assert.True(tie, $"{what}: {v:R} reads {picture[i]}, on the page {page[i]}");
        }
    }

    [Theory]
    [InlineData(905_000, 1_000, 905_000, "905k")]
    [InlineData(905_000, 1_000, 1_000_000, "0.905M")]
    [InlineData(1_200_000, 100_000, 1_200_000, "1.2M")]
    [InlineData(1.8e9, 2e8, 1.8e9, "1.8G")]
    [InlineData(0.25, 0.05, 1, "0.25")]
    [InlineData(3.5e-7, 1e-8, 5e-7, "3.5e-7")]
    [InlineData(1000, 200, 2800, "1000")]
    [InlineData(-0.0000001, 0.5, 1, "0.0")]
    public void Numbers_read_as_on_the_page(double v, double step, double magnitude, string expected) =>
        Assert.Equal(expected, AxisTicks.Number(v, step, magnitude));

    [Fact]
    public void Times_read_as_on_the_page_in_utc_with_the_date_where_the_day_changes()
    {
        double t = (new DateTime(2026, 12, 5, 23, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
        Assert.Equal(["23:00\nDec 5 2026", "23:30", "00:00\nDec 6 2026"], AxisTicks.Times([t, t + 1_800, t + 3_600], 1_800));
        Assert.Equal("23:00:00.5", AxisTicks.Time(t + 0.5, 0.5, false));
        Assert.Equal("Dec 2026", AxisTicks.Time(t, 30 * 86_400, true));
        Assert.Equal("2026", AxisTicks.Time(t, 365 * 86_400, true));
    }

    // The page's functions on the same cases, in node, in UTC.
    private static async Task<List<JsonElement>> PageAnswersAsync(List<Case> cases)
    {
        var format = new Uri(Path.Combine(BrowserFeed.RepoDir(), "web", "src", "format.js")).AbsoluteUri;
        var dir = Directory.CreateTempSubdirectory("plotpipe-ticks-");
        try
        {
            var input = Path.Combine(dir.FullName, "cases.json");
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(cases.Select(c => new object[] { c.Kind, c.Min, c.Max, c.Length, c.Space })));
            var script = Path.Combine(dir.FullName, "ticks.mjs");
            await File.WriteAllTextAsync(script, $$"""
                import { readFileSync } from "node:fs";
                import * as f from "{{format}}";
                const width = (t) => 7 * t.length;
                const out = JSON.parse(readFileSync(process.argv[2], "utf8")).map(([kind, min, max, dim, space]) => {
                  if (kind === "log") {
                    const splits = f.logSplits(min, max, dim, space);
                    return { splits, labels: f.logLabels(splits) };
                  }
                  const time = kind === "time";
                  const incrs = time ? f.TIME_INCRS : f.NUMBER_INCRS;
                  const labelsFor = (s, incr) => (time ? f.timeLabels(s, incr) : f.numberLabels(s, incr));
                  const hspace = f.horizontalSpace(min, max, dim, incrs, labelsFor, width, 14);
                  const incr = f.pickIncr(min, max, incrs, dim, space);
                  const splits = f.linearSplits(min, max, incr);
                  return { space: hspace, incr, splits, labels: labelsFor(splits, incr), whole: f.wholeSpace(min, max, dim, hspace) };
                });
                process.stdout.write(JSON.stringify(out));
                """);
            var (code, output, errors) = await ChildProcess.RunAsync("node", [script, input], dir.FullName,
                environment: new Dictionary<string, string> { ["TZ"] = "UTC" });
            Assert.True(code == 0, $"node failed: {errors}");
            return JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static List<double> Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToList();

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
