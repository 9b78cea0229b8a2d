using System.Globalization;
using System.Buffers;
using System.Text;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

public class TextParserTests
{
    private const string Csv = "step,loss,acc\r\n1,0.5,0.9\n2,0.25,0.95\nbad\n\n# a comment\n  \n3,0.125,1";

    [Fact]
    public void Delimited_text_split_at_every_byte_reads_the_same_points_and_bad_lines()
    {
        var bytes = Encoding.UTF8.GetBytes(Csv);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var feed = TextFeed.Parse(bytes, null, cut);
            Assert.Equal(["loss", "acc"], feed.Names);
            Assert.Equal([(1, 0.5), (2, 0.25), (3, 0.125)], feed.Points("loss"));
            Assert.Equal([(1, 0.9), (2, 0.95), (3, 1)], feed.Points("acc"));
            Assert.Equal(1, feed.Store.BadLines);
            Assert.Equal("line 4: field 1 is not a number: \"bad\"; skipped", Assert.Single(feed.Reports));
        }
    }

    [Fact]
    public void Json_lines_split_at_every_byte_read_the_same_points()
    {
        var text = "{\"step\": 3, \"loss\": 0.3, \"acc\": 0.9, \"note\": \"warm\", \"nested\": {\"a\": 1}}\n"
            + "{\"series\": \"val\", \"x\": 4, \"y\": -1.5e-3}\n"
            + "{\"step\": 5, \"lo\\u0073s\": 0.2}\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var feed = TextFeed.Parse(bytes, new TextOptions { XField = "step" }, cut);
            Assert.Equal(["loss", "acc", "nested.a", "val"], feed.Names);
            Assert.Equal([(3, 1)], feed.Points("nested.a"));
            Assert.Equal([(3, 0.3), (5, 0.2)], feed.Points("loss"));
            Assert.Equal([(3, 0.9)], feed.Points("acc"));
            Assert.Equal([(4, -1.5e-3)], feed.Points("val"));
            Assert.Empty(feed.Reports);
        }
    }

    [Fact]
    public void Text_in_many_small_arrivals_reads_the_same_points()
    {
        var bytes = Encoding.UTF8.GetBytes(Csv);
        foreach (int step in new[] { 1, 2, 3, 7 })
        {
            var cuts = Enumerable.Range(1, bytes.Length / step).Select(i => i * step).ToArray();
            var feed = TextFeed.Parse(bytes, null, cuts);
            Assert.Equal([(1, 0.5), (2, 0.25), (3, 0.125)], feed.Points("loss"));
            Assert.Equal(1, feed.Store.BadLines);
        }
    }

    [Fact]
    public void A_partial_line_waits_for_its_newline_and_whole_lines_are_read_at_once()
    {
        var feed = new TextFeed();
        feed.Arrive("1 10\n2 2"u8.ToArray(), false);
        Assert.Equal([(1, 10)], feed.Points("y"));
        feed.Arrive("0\n"u8.ToArray(), false);
        Assert.Equal([(1, 10), (2, 20)], feed.Points("y"));
    }

    [Fact]
    public void One_column_is_y_against_the_line_number()
    {
        var feed = TextFeed.Parse("5\n7\n\n# skip\n9");
        Assert.Equal([(1, 5), (2, 7), (5, 9)], feed.Points("y"));
    }

    [Fact]
    public void One_named_column_is_a_series_of_that_name_against_the_line_number()
    {
        var feed = TextFeed.Parse("loss\n0.5\n0.25\n");
        Assert.Equal([(2, 0.5), (3, 0.25)], feed.Points("loss"));
    }

    [Theory]
    [InlineData("1\t2\t3\n4\t5\t6\n")]
    [InlineData("1;2;3\n4;5;6\n")]
    [InlineData("1, 2 ,3\n4,5,6\n")]
    [InlineData("  1   2 3\n4\t 5  6  \n")]
    public void Tabs_semicolons_commas_and_runs_of_spaces_each_delimit_columns(string text)
    {
        var feed = TextFeed.Parse(text);
        Assert.Equal(["y1", "y2"], feed.Names);
        Assert.Equal([(1, 2), (4, 5)], feed.Points("y1"));
        Assert.Equal([(1, 3), (4, 6)], feed.Points("y2"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void Two_columns_without_a_header_are_x_and_y()
    {
        var feed = TextFeed.Parse("0 0\n1 1\n2 4\n");
        Assert.Equal(["y"], feed.Names);
        Assert.Equal([(0, 0), (1, 1), (2, 4)], feed.Points("y"));
    }

    [Fact]
    public void Python_nan_and_inf_and_empty_fields_are_read()
    {
        var feed = TextFeed.Parse("x,a,b\n1,nan,inf\n2,,-inf\n3,NaN,1e3\n");
        var a = feed.Points("a");
        Assert.All(a, p => Assert.True(double.IsNaN(p.Y)));
        Assert.Equal([(1, double.PositiveInfinity), (2, double.NegativeInfinity), (3, 1000)], feed.Points("b"));
        Assert.Empty(feed.Reports);
    }

    [Theory]
    [InlineData("1.5x")]
    [InlineData("1.5.2")]
    [InlineData("0x10")]
    [InlineData("1,5e")]
    [InlineData("--1")]
    public void A_field_that_only_starts_like_a_number_is_a_bad_line(string field)
    {
        var feed = TextFeed.Parse($"1;2\n3;{field}\n4;5\n");
        Assert.Equal([(1, 2), (4, 5)], feed.Points("y"));
        Assert.Equal(1, feed.Store.BadLines);
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("-2.5E-3", -2.5e-3)]
    [InlineData("+7", 7)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("1e308", 1e308)]
    [InlineData("4.9406564584124654E-324", double.Epsilon)]
    [InlineData("0.30000000000000004", 0.30000000000000004)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-INF", double.NegativeInfinity)]
    public void Numbers_are_read_exactly_as_double_parse_reads_them(string field, double expected)
    {
        Assert.True(TextNumbers.TryParse(Encoding.UTF8.GetBytes(field), out double value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Random_numbers_in_every_format_read_as_double_parse_reads_them()
    {
        var random = new Random(9);
        string[] formats = ["R", "G17", "E3", "F6", "G5", "0.##########"];
        for (int i = 0; i < 20_000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(d)) continue;
            if (i % 2 == 0) d = random.NextDouble() * Math.Pow(10, random.Next(-20, 20)) * (random.Next(2) * 2 - 1);
            var text = d.ToString(formats[i % formats.Length], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(TextNumbers.TryParse(Encoding.UTF8.GetBytes(text), out double value), text);
            Assert.Equal(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }

    [Fact]
    public void A_first_row_with_an_empty_field_is_data_not_a_header()
    {
        var feed = TextFeed.Parse("1,2,\n3,4,5\n");
        Assert.Equal(["y1", "y2"], feed.Names);
        Assert.Equal([(1, 2), (3, 4)], feed.Points("y1"));
        Assert.True(double.IsNaN(feed.Points("y2")[0].Y));
        Assert.Equal(5, feed.Points("y2")[1].Y);
    }

    [Fact]
    public void X_names_the_column_that_holds_x()
    {
        var feed = TextFeed.Parse("loss,step\n0.5,10\n0.25,20\n", new TextOptions { XField = "step" });
        Assert.Equal(["loss"], feed.Names);
        Assert.Equal([(10, 0.5), (20, 0.25)], feed.Points("loss"));
    }

    [Fact]
    public void Json_without_x_takes_the_line_number_as_x()
    {
        var feed = TextFeed.Parse("{\"loss\": 1}\n\n{\"loss\": 2}\n");
        Assert.Equal([(1, 1), (3, 2)], feed.Points("loss"));
    }

    [Fact]
    public void Json_series_lines_without_x_take_the_line_number()
    {
        var feed = TextFeed.Parse("{\"series\": \"a\", \"y\": 1}\n{\"y\": 2, \"series\": \"b\"}\n");
        Assert.Equal([(1, 1)], feed.Points("a"));
        Assert.Equal([(2, 2)], feed.Points("b"));
    }

    [Theory]
    [InlineData("{\"loss\": 1", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"loss\": 1} {\"a\": 2}", "not valid JSON")]
    [InlineData("{\"note\": \"hello\"}", "no numeric field")]
    [InlineData("{\"series\": \"a\", \"x\": 1}", "no numeric \"y\"")]
    public void A_bad_json_line_is_skipped_with_its_reason_and_the_rest_goes_on(string bad, string reason)
    {
        var feed = TextFeed.Parse("{\"loss\": 0.5}\n" + bad + "\n{\"loss\": 0.25}\n");
        Assert.Equal([(1, 0.5), (3, 0.25)], feed.Points("loss"));
        Assert.Equal(1, feed.Store.BadLines);
        var report = Assert.Single(feed.Reports);
        Assert.StartsWith("line 2: ", report);
        Assert.Contains(reason, report);
    }

    [Fact]
    public void Json_with_x_missing_its_x_field_is_a_bad_line()
    {
        var feed = TextFeed.Parse("{\"t\": 1, \"a\": 2}\n{\"a\": 3}\n", new TextOptions { XField = "t" });
        Assert.Equal([(1, 2)], feed.Points("a"));
        Assert.Contains("line 2: no \"t\" field for x (--x)", Assert.Single(feed.Reports));
    }

    [Fact]
    public void X_time_reads_iso_8601_and_unix_seconds_as_unix_seconds()
    {
        var options = new TextOptions { XTime = true };
        var csv = TextFeed.Parse("time,temp\n2024-01-02T03:04:05Z,20\n2024-01-02T05:04:05.5+02:00,21\n1704164646,22\n2024-01-02 03:04:07,23\n", options);
        double t = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal([(t, 20), (t + 0.5, 21), (t + 1, 22), (t + 2, 23)], csv.Points("temp"));
        Assert.Empty(csv.Reports);

        var json = TextFeed.Parse("{\"at\": \"2024-01-02T03:04:05Z\", \"temp\": 20}\n{\"at\": 1704164646, \"temp\": 21}\n{\"at\": \"soon\", \"temp\": 22}\n",
            new TextOptions { XTime = true, XField = "at" });
        Assert.Equal([(t, 20), (t + 1, 21)], json.Points("temp"));
        Assert.Contains("line 3: x \"soon\" is not a time", Assert.Single(json.Reports));
    }

    [Theory]
    [InlineData("1704164645000", 1e3, "milliseconds")]
    [InlineData("1704164645000000", 1e6, "microseconds")]
    [InlineData("1704164645000000000", 1e9, "nanoseconds")]
    public void X_time_reads_numbers_too_large_for_seconds_in_the_unit_their_size_tells_and_says_so_once(string first, double perSecond, string unit)
    {
        // As date +%s%3N, JavaScript's Date.now() and many devices write them: read as seconds they were past the year 50000.
        double t = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds();
        string next = (double.Parse(first, CultureInfo.InvariantCulture) + 1.5 * perSecond).ToString("R", CultureInfo.InvariantCulture);
        var csv = TextFeed.Parse($"time,temp\n{first},20\n{next},21\n2024-01-02T03:04:07Z,22\n", new TextOptions { XTime = true });
        Assert.Equal([(t, 20), (t + 1.5, 21), (t + 2, 22)], csv.Points("temp"));
        Assert.Equal($"x times are read as Unix {unit}: the first, {double.Parse(first, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)}, is too large for seconds; as {unit} it is 2024-01-02 03:04:05 UTC", Assert.Single(csv.Reports));

        var json = TextFeed.Parse($"{{\"at\": {first}, \"temp\": 20}}\n{{\"at\": \"{next}\", \"temp\": 21}}\n", new TextOptions { XTime = true, XField = "at" });
        Assert.Equal([(t, 20), (t + 1.5, 21)], json.Points("temp"));
        Assert.Single(json.Reports);
    }

    [Fact]
    public void X_time_keeps_numbers_that_can_be_seconds_as_seconds_and_says_nothing()
    {
        var feed = TextFeed.Parse("1704164645,20\n99999999999,21\n", new TextOptions { XTime = true });
        Assert.Equal([(1704164645, 20), (99999999999, 21)], feed.Points("y"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void X_time_without_it_a_time_is_a_bad_line()
    {
        var feed = TextFeed.Parse("1,2\n2024-01-02T03:04:05Z,3\n4,5\n");
        Assert.Equal([(1, 2), (4, 5)], feed.Points("y"));
        Assert.Contains("line 2: field 1 is not a number", Assert.Single(feed.Reports));
    }

    [Fact]
    public void A_row_with_another_number_of_fields_is_a_bad_line()
    {
        var feed = TextFeed.Parse("1,2\n3,4,5\n6\n7,8\n");
        Assert.Equal([(1, 2), (7, 8)], feed.Points("y"));
        Assert.Equal(["line 2: 3 fields where the first data row had 2; skipped", "line 3: 1 field where the first data row had 2; skipped"], feed.Reports);
    }

    [Fact]
    public void A_line_over_the_limit_is_one_bad_line_and_is_never_buffered_whole()
    {
        var options = new TextOptions { MaxLineBytes = 32 };
        var text = "1,1\n" + new string('9', 1000) + ",1\n2,2\n" + new string('8', 33) + "\n3,3\n" + new string('7', 40);
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (int step in new[] { 1, 5, 16, 4096 })
        {
            var cuts = Enumerable.Range(1, bytes.Length / step).Select(i => i * step).ToArray();
            var feed = TextFeed.Parse(bytes, options, cuts);
            Assert.Equal([(1, 1), (2, 2), (3, 3)], feed.Points("y"));
            Assert.Equal(3, feed.Store.BadLines);
            Assert.Equal(
                ["line 2: longer than the limit of 32 bytes; skipped", "line 4: longer than the limit of 32 bytes; skipped", "line 6: longer than the limit of 32 bytes; skipped"],
                feed.Reports);
            if (step < 32) Assert.True(feed.MostLeft <= 32 + step, $"kept {feed.MostLeft} bytes of a long line with arrivals of {step}");
        }
    }

    [Fact]
    public void The_first_ten_bad_lines_are_reported_in_full_and_the_rest_counted_in_one_line()
    {
        var text = new StringBuilder("1\n");
        for (int i = 0; i < 25; i++) text.Append("oops\n");
        text.Append("2\n");
        var feed = TextFeed.Parse(text.ToString());
        Assert.Equal(25, feed.Store.BadLines);
        Assert.Equal(11, feed.Reports.Count);
        Assert.Equal("line 11: field 1 is not a number: \"oops\"; skipped", feed.Reports[9]);
        Assert.Equal("15 more bad lines not shown (25 in all)", feed.Reports[10]);
        Assert.Equal([(1, 1), (27, 2)], feed.Points("y"));
    }

    [Fact]
    public void Columns_beyond_the_series_limit_are_one_bad_line_and_the_rest_are_kept()
    {
        var header = "step," + string.Join(',', Enumerable.Range(1, 1029).Select(i => $"c{i}"));
        var row = string.Join(',', Enumerable.Range(0, 1030));
        var feed = TextFeed.Parse(header + "\n" + row + "\n");
        Assert.Equal(1024, feed.Store.Series.Count);
        Assert.Equal([(0, 1024)], feed.Points("c1024"));
        Assert.Equal(1, feed.Store.BadLines);
        Assert.Contains("line 1: 1030 columns: a plot holds at most 1024 series", Assert.Single(feed.ReportsBesidesSpread));
    }

    [Fact]
    public void Json_series_beyond_the_limit_are_reported_once()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 1030; i++) text.Append($"{{\"series\": \"s{i}\", \"y\": {i}}}\n");
        var feed = TextFeed.Parse(text.ToString());
        Assert.Equal(1024, feed.Store.Series.Count);
        Assert.Equal(1, feed.Store.BadLines);
        Assert.Contains("line 1025: series \"s1024\" is one more than the 1024 a plot holds", Assert.Single(feed.ReportsBesidesSpread));
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_are_read_as_text()
    {
        var feed = TextFeed.Parse("\uFEFFstep,b\r\n1,2\r\n");
        Assert.Equal(["b"], feed.Names);
        Assert.Equal([(1, 2)], feed.Points("b"));
    }

    [Theory]
    [InlineData("PLTP", false, true)]
    [InlineData("PLTP\u0001", false, true)]
    [InlineData("PL", false, null)]
    [InlineData("PL", true, false)]
    [InlineData("PX", false, null)]
    [InlineData("PX", true, false)]
    [InlineData("1\n", false, false)]
    [InlineData("", false, null)]
    [InlineData("", true, false)]
    [InlineData("PLT,WBC\n", false, false)]
    [InlineData("PLT,WBC,", false, false)]
    [InlineData("PLTX\u0002\u0000", false, true)]
    [InlineData("PLTX\u0002\u0000\u0000\u0000", false, true)]
    [InlineData("\u0010\u0000\u0000\u0000\u0001", false, true)]
    [InlineData("PLT\n\u0000", false, false)]
    public void Input_is_binary_when_it_starts_with_the_magic_or_holds_a_zero_byte_before_its_first_line_feed(string start, bool completed, bool? binary)
    {
        Assert.Equal(binary, InputIngest.Decide(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(start)), completed));
    }
}
