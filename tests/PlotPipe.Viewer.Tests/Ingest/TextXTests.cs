using System.Text;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Which column is x, and when x is a time: the default rule, --x, @line, @time and --x-time.</summary>
public class TextXTests
{
    private static readonly double T0 = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Theory]
    [InlineData("step,loss,acc")]
    [InlineData("time,load1")]
    [InlineData("Time (s),v")]
    [InlineData("t_ms;v")]
    [InlineData("epoch\tv")]
    [InlineData("iteration v")]
    [InlineData("x,y")]
    public void A_header_whose_first_name_says_x_takes_its_first_column_as_x(string header)
    {
        var feed = TextFeed.Parse($"{header}\n{Row(header, 1, 5)}\n{Row(header, 2, 6)}\n");
        Assert.Empty(feed.Reports);
        var first = feed.Store.Series[0].Name;
        Assert.Equal([(1, 5), (2, 6)], feed.Points(first));
        Assert.Equal(SeriesFlags.None, feed.Definition(first).Flags);
    }

    // A row of the header's width, in the header's delimiter: x, then the value, then 0s.
    private static string Row(string header, double x, double value)
    {
        char d = header.Contains('\t') ? '\t' : header.Contains(',') ? ',' : header.Contains(';') ? ';' : ' ';
        int columns = header.Split(d).Length;
        return string.Join(d, new[] { x, value }.Concat(Enumerable.Repeat(0.0, columns - 2)));
    }

    [Fact]
    public void A_header_whose_first_name_does_not_say_x_plots_every_column_against_the_line_number()
    {
        var feed = TextFeed.Parse("load,temp\n1.5,20\n1.2,21\n");
        Assert.Equal(["load", "temp"], feed.Names);
        Assert.Equal([(2, 1.5), (3, 1.2)], feed.Points("load"));
    }

    [Fact]
    public void Headerless_numbers_keep_the_first_column_as_x_and_one_column_is_y_against_the_line_number()
    {
        Assert.Equal([(10, 1), (20, 2)], TextFeed.Parse("10 1\n20 2\n").Points("y"));
        Assert.Equal([(1, 10), (2, 20)], TextFeed.Parse("10\n20\n").Points("y"));
    }

    [Fact]
    public void Iso_times_in_the_first_column_are_x_as_time_without_x_time()
    {
        var feed = TextFeed.Parse("time,load\n2026-12-05T10:00:00Z,1.5\n2026-12-05T10:00:10+00:00,1.7\n2026-12-05 12:00:20+02:00,1.2\n");
        Assert.Empty(feed.Reports);
        Assert.Equal([(T0, 1.5), (T0 + 10, 1.7), (T0 + 20, 1.2)], feed.Points("load"));
        Assert.Equal(SeriesFlags.TimeX, feed.Definition("load").Flags);
    }

    [Fact]
    public void Timed_text_is_drawn_on_a_time_axis_in_pictures()
    {
        var feed = TextFeed.Parse("time,load\n2026-12-05T10:00:00Z,1.5\n2026-12-05T10:00:10Z,1.7\n2026-12-05T10:00:20Z,1.2\n");
        var figure = PlotPipe.Viewer.Export.PictureExporter.Render(feed.Store, 800);
        var panel = Assert.Single(figure.Panels);
        Assert.Equal(PlotPipe.Viewer.Store.AxisKind.Time, panel.Axes.X);
        Assert.Equal("time (UTC)", panel.Plot.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void Date_iseconds_output_without_a_header_is_x_as_time()
    {
        // $(date -Iseconds) $(cut -d' ' -f1-3 /proc/loadavg), and date -Ins's comma and nine digits.
        var feed = TextFeed.Parse("2026-12-05T10:00:00,000000000+00:00 0.52 0.58 0.59\n2026-12-05T10:00:01,500000000+00:00 0.60 0.59 0.59\n");
        Assert.Empty(feed.Reports);
        Assert.Equal(["y1", "y2", "y3"], feed.Names);
        Assert.Equal([(T0, 0.52), (T0 + 1.5, 0.60)], feed.Points("y1"));
        Assert.All(feed.Store.Series, s => Assert.Equal(SeriesFlags.TimeX, s.Definition.Flags));
    }

    [Fact]
    public void X_time_marks_every_series_as_timed_and_reads_unix_seconds_and_iso_times()
    {
        var feed = TextFeed.Parse($"load,temp\n{T0},20\n2026-12-05T10:00:01Z,21\n", new TextOptions { XTime = true });
        // --x-time says the first column holds the times, whatever its name.
        Assert.Equal(["temp"], feed.Names);
        Assert.Equal([(T0, 20), (T0 + 1, 21)], feed.Points("temp"));
        Assert.Equal(SeriesFlags.TimeX, feed.Definition("temp").Flags);
    }

    [Fact]
    public void X_names_a_column_anywhere_and_its_times_make_it_timed()
    {
        var feed = TextFeed.Parse("v,when\n1,2026-12-05T10:00:00Z\n2,2026-12-05T10:00:02Z\n", new TextOptions { XField = "when" });
        Assert.Equal([(T0, 1), (T0 + 2, 2)], feed.Points("v"));
        Assert.Equal(SeriesFlags.TimeX, feed.Definition("v").Flags);
    }

    [Fact]
    public void X_naming_no_column_is_one_bad_line_and_x_is_the_line_number()
    {
        var feed = TextFeed.Parse("a,b\n1,2\n", new TextOptions { XField = "step" });
        Assert.Equal([(2, 1)], feed.Points("a"));
        Assert.Equal("line 1: no column is named \"step\" (--x step); x is the line number; skipped", Assert.Single(feed.Reports));
    }

    [Fact]
    public void X_line_plots_every_column_against_the_line_number()
    {
        var feed = TextFeed.Parse("step,loss\n10,0.5\n20,0.4\n", new TextOptions { XField = TextOptions.LineNumber });
        Assert.Equal(["step", "loss"], feed.Names);
        Assert.Equal([(2, 10), (3, 20)], feed.Points("step"));
    }

    [Fact]
    public void X_time_takes_the_arrival_clock_as_a_time_axis_for_rows_and_json()
    {
        var clock = new SteppingClock(T0);
        var rows = TextFeed.Parse("5\n7\n", new TextOptions { XField = TextOptions.ArrivalTime, Clock = clock });
        Assert.Equal([(T0 + 1, 5), (T0 + 2, 7)], rows.Points("y"));
        Assert.Equal(SeriesFlags.TimeX, rows.Definition("y").Flags);

        var json = TextFeed.Parse("{\"adc\": 100}\n{\"adc\": 101}\n", new TextOptions { XField = TextOptions.ArrivalTime, Clock = new SteppingClock(T0) });
        Assert.Equal([(T0 + 1, 100), (T0 + 2, 101)], json.Points("adc"));
        Assert.Equal(SeriesFlags.TimeX, json.Definition("adc").Flags);
    }

    [Fact]
    public void Json_takes_the_first_field_that_says_x_as_x()
    {
        var feed = TextFeed.Parse("{\"adc\": 2048, \"t\": 0.001, \"current\": 0.5}\n{\"adc\": 2050, \"t\": 0.002, \"current\": 0.51}\n");
        Assert.Equal(["adc", "current"], feed.Names);
        Assert.Equal([(0.001, 2048), (0.002, 2050)], feed.Points("adc"));
        Assert.Empty(feed.ReportsBesidesSpread);
    }

    [Fact]
    public void Json_times_in_a_field_make_it_x_as_time_and_a_later_missing_x_is_a_bad_line()
    {
        var feed = TextFeed.Parse("{\"at\": \"2026-12-05T10:00:00Z\", \"temp\": 20}\n{\"at\": \"2026-12-05T10:00:05Z\", \"temp\": 21}\n{\"temp\": 22}\n");
        Assert.Equal([(T0, 20), (T0 + 5, 21)], feed.Points("temp"));
        Assert.Equal(SeriesFlags.TimeX, feed.Definition("temp").Flags);
        Assert.Equal("line 3: no \"at\" field for x; skipped", Assert.Single(feed.Reports));
    }

    [Fact]
    public void Json_x_time_reads_numbers_and_numeric_strings_as_unix_seconds()
    {
        var feed = TextFeed.Parse($"{{\"ts\": {T0}, \"v\": 1}}\n{{\"ts\": \"{T0 + 1}\", \"v\": 2}}\n", new TextOptions { XTime = true, XField = "ts" });
        Assert.Equal([(T0, 1), (T0 + 1, 2)], feed.Points("v"));
        Assert.Equal(SeriesFlags.TimeX, feed.Definition("v").Flags);
    }

    [Fact]
    public void Json_a_time_after_numbers_in_x_is_a_bad_line()
    {
        var feed = TextFeed.Parse("{\"t\": 1, \"v\": 1}\n{\"t\": \"2026-12-05T10:00:00Z\", \"v\": 2}\n");
        Assert.Equal([(1, 1)], feed.Points("v"));
        Assert.Contains("line 2: x \"2026-12-05T10:00:00Z\" is a time, but the x before were numbers", Assert.Single(feed.Reports));
    }

    [Theory]
    [InlineData("2024-01-02", "2024-01-02T00:00:00Z")]
    [InlineData("2024-01-02T03:04", "2024-01-02T03:04:00Z")]
    [InlineData("2024-01-02t03:04:05z", "2024-01-02T03:04:05Z")]
    [InlineData("2024-01-02 03:04:05.25", "2024-01-02T03:04:05.25Z")]
    [InlineData("2024-01-02T03:04:05,123456789-05:30", "2024-01-02T08:34:05.1234567Z")]
    [InlineData("2024-01-02T03:04:05+0100", "2024-01-02T02:04:05Z")]
    [InlineData("2024-01-02T03:04:05-01", "2024-01-02T04:04:05Z")]
    [InlineData("2024-02-29T00:00:00+14:00", "2024-02-28T10:00:00Z")]
    public void Iso_8601_times_are_read_to_100_ns_in_utc(string text, string utc)
    {
        Assert.True(TextNumbers.TryParseIsoTime(Encoding.ASCII.GetBytes(text), out double seconds));
        var expected = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((expected.UtcTicks - DateTime.UnixEpoch.Ticks) / 1e7, seconds);
    }

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-01-02T24:00")]
    [InlineData("2024-01-02T03:04:60")]
    [InlineData("2024-01-02T03:04:05.")]
    [InlineData("2024-01-02T03:04:05+15:00")]
    [InlineData("2024-01-02T03:04:05 UTC")]
    [InlineData("0000-01-01")]
    [InlineData("1/389")]
    [InlineData("Jan 2 2024")]
    [InlineData("12:00")]
    [InlineData("20240102")]
    public void Other_text_is_not_read_as_a_time(string text)
    {
        Assert.False(TextNumbers.TryParseIsoTime(Encoding.ASCII.GetBytes(text), out _));
    }

    // Each reading one second later than the last.
    private sealed class SteppingClock(double startUnixSeconds) : TimeProvider
    {
        private long _ticks = DateTime.UnixEpoch.Ticks + (long)(startUnixSeconds * TimeSpan.TicksPerSecond);

        public override DateTimeOffset GetUtcNow() => new(_ticks += TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
