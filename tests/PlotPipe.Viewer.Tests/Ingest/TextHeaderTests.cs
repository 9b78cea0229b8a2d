using System.Text;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>Headers as programs print them: banners before them, repeats within the stream, --skip and --columns.</summary>
public class TextHeaderTests
{
    // vmstat 1 as procps 4 prints it into a pipe: a banner, the header, rows, and both again later.
    private const string Vmstat =
        "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n" +
        " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n" +
        " 2  0      0 20996944  11912 2763808    0    0  1089  4273  434 2883 34  8 58  0  0\n" +
        " 1  0      0 20996900  11912 2763808    0    0     8    76  743 1876 93  7  0  0  0\n" +
        "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n" +
        " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n" +
        " 3  0      0 20996800  11912 2763808    0    0    68  1292  730 1503 94  6  0  0  0\n";

    private static readonly string[] VmstatColumns = ["r", "b", "swpd", "free", "buff", "cache", "si", "so", "bi", "bo", "in", "cs", "us", "sy", "id", "wa", "st"];

    [Fact]
    public void Vmstat_plots_every_column_against_the_line_number_with_no_bad_lines()
    {
        var bytes = Encoding.UTF8.GetBytes(Vmstat);
        for (int cut = 0; cut <= bytes.Length; cut += 7)
        {
            var feed = TextFeed.Parse(bytes, null, cut);
            // Free memory (10^7) and the run queue (3) on one axis: said once, as advice, not as a bad line.
            Assert.Equal(
                "\"free\" starts at 20996944 and \"r\" at 2, on one y axis: the smaller series draw flat; --panel \"TITLE=free,...\" gives series a panel of their own",
                Assert.Single(feed.Reports));
            Assert.Equal(0, feed.Store.BadLines);
            Assert.Equal(VmstatColumns, feed.Names);
            // r is not a name for x: every column is a series, x is the line number.
            Assert.Equal([(3, 2), (4, 1), (7, 3)], feed.Points("r"));
            Assert.Equal([(3, 20996944), (4, 20996900), (7, 20996800)], feed.Points("free"));
        }
    }

    [Fact]
    public void The_header_is_the_last_line_before_the_data_whose_field_count_matches()
    {
        var feed = TextFeed.Parse("Report of the night\nwritten by cron at 03:00\nstep,loss,acc\n1,0.5,0.9\n2,0.4,0.95\n");
        Assert.Equal(["loss", "acc"], feed.Names);
        Assert.Equal([(1, 0.5), (2, 0.4)], feed.Points("loss"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void A_last_line_before_the_data_with_another_field_count_is_a_banner_and_the_columns_are_unnamed()
    {
        var feed = TextFeed.Parse("a b\n1 2 3\n4 5 6\n");
        Assert.Equal(["y1", "y2"], feed.Names);
        Assert.Equal([(1, 2), (4, 5)], feed.Points("y1"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void Lines_of_words_beyond_the_held_ones_before_any_data_are_bad_lines_and_no_header_is_taken()
    {
        var text = new StringBuilder();
        for (int i = 1; i <= TextRows.HeldLines + 2; i++) text.Append($"note number {i} of many\n");
        text.Append("1 2\n3 4\n");
        var feed = TextFeed.Parse(text.ToString());
        Assert.Equal(2, feed.Store.BadLines);
        Assert.Equal([TextRows.HeldLines + 1L, TextRows.HeldLines + 2L], feed.BadLineNumbers);
        Assert.Contains("not a row of numbers (1 of 5 fields are)", feed.Reports[0]);
        Assert.Equal(["y"], feed.Names);
        Assert.Equal([(1, 2), (3, 4)], feed.Points("y"));
    }

    [Fact]
    public void A_repeated_header_differently_spaced_is_passed_over_but_a_new_line_of_words_is_bad()
    {
        var feed = TextFeed.Parse("t v\n1 2\nt    v\n2 3\nhello world\n3 4\n");
        Assert.Equal([(1, 2), (2, 3), (3, 4)], feed.Points("v"));
        Assert.Equal([5L], feed.BadLineNumbers);
        Assert.Contains("line 5: field 1 is not a number: \"hello\"", feed.Reports[0]);
    }

    [Fact]
    public void Only_words_is_no_data_and_says_so_without_counting_bad_lines()
    {
        var feed = TextFeed.Parse("step,loss\n");
        Assert.Empty(feed.Names);
        Assert.Equal(0, feed.Store.BadLines);
        Assert.Equal("no data: none of the lines read is a row of numbers (the first was line 1)", Assert.Single(feed.Reports));
    }

    [Fact]
    public void Input_whose_every_line_is_passed_over_by_skip_is_no_data_and_says_so()
    {
        var feed = TextFeed.Parse("1 2\n3 4\n", new TextOptions { Skip = 2 });
        Assert.Empty(feed.Names);
        Assert.Equal(0, feed.Store.BadLines);
        Assert.Equal("no data: the input ended after 2 lines, each blank, a # comment or passed over by --skip", Assert.Single(feed.Reports));
    }

    [Fact]
    public void Skip_passes_over_the_first_lines_unread_even_long_ones()
    {
        var options = new TextOptions { Skip = 3, MaxLineBytes = 32 };
        var feed = TextFeed.Parse("garbage, 1, 2\n" + new string('x', 100) + "\n{\"json\": 1}\nt,v\n1,2\n", options);
        Assert.Empty(feed.Reports);
        Assert.Equal([(1, 2)], feed.Points("v"));
    }

    [Fact]
    public void Columns_names_the_columns_and_a_line_equal_to_them_is_passed_over()
    {
        var options = new TextOptions();
        Assert.Null(options.ReadShape("time, load1", null));
        var feed = TextFeed.Parse("1,0.5\n2,0.6\ntime,load1\n3,0.7\n", options);
        Assert.Equal(["load1"], feed.Names);
        // "time" says x: the first column is x.
        Assert.Equal([(1, 0.5), (2, 0.6), (3, 0.7)], feed.Points("load1"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void A_header_whose_first_column_has_no_name_as_pandas_writes_its_index_makes_that_column_x()
    {
        // pandas' DataFrame.to_csv("train.csv"): the index first, unnamed.
        var feed = TextFeed.Parse(",loss,acc\n0,1.0,0.0\n1,0.9,0.12\n2,0.8,0.2\n");
        Assert.Equal(["loss", "acc"], feed.Names);
        Assert.Equal([(0, 1.0), (1, 0.9), (2, 0.8)], feed.Points("loss"));
        Assert.Equal("index", feed.Store.Plot.Panels[0].XLabel);
        // A named first column that does not say x is still a series against the line number.
        var named = TextFeed.Parse("id,loss\n7,1.0\n9,0.9\n");
        Assert.Equal(["id", "loss"], named.Names);
    }

    [Fact]
    public void Columns_takes_no_header_so_the_banner_is_passed_over_and_the_names_are_the_given_ones()
    {
        var options = new TextOptions();
        Assert.Null(options.ReadShape("step,a", null));
        var feed = TextFeed.Parse("x,y\n1,2\n", options);
        Assert.Equal(["a"], feed.Names);
        Assert.Equal([(1, 2)], feed.Points("a"));
    }

    [Fact]
    public void A_column_of_words_is_passed_over_on_every_row_as_in_proc_loadavg()
    {
        var feed = TextFeed.Parse("0.52 0.58 0.59 1/389 12345\n0.60 0.59 0.59 2/390 12350\n");
        Assert.Empty(feed.ReportsBesidesSpread);
        // Not every field is a number, so the first column is not x: the numbers are series against the line
        // number, named by their column (y5 is the fifth).
        Assert.Equal(["y1", "y2", "y3", "y5"], feed.Names);
        Assert.Equal([(1, 0.52), (2, 0.60)], feed.Points("y1"));
        Assert.Equal([(1, 12345), (2, 12350)], feed.Points("y5"));
    }

    [Fact]
    public void A_quoted_field_may_hold_the_delimiter_and_a_doubled_quote()
    {
        var feed = TextFeed.Parse("step,\"loss, train\",\"say \"\"hi\"\"\"\n1,\"0.5\",2\n2, \"0.25\" ,3\n");
        Assert.Equal(["loss, train", "say \"hi\""], feed.Names);
        Assert.Equal([(1, 0.5), (2, 0.25)], feed.Points("loss, train"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void A_byte_order_mark_at_the_start_of_any_line_is_passed_over()
    {
        var feed = TextFeed.Parse("\uFEFFstep,v\n1,2\n\uFEFFstep,v\n2,3\n\uFEFF3,4\n");
        Assert.Equal([(1, 2), (2, 3), (3, 4)], feed.Points("v"));
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void The_first_bad_line_is_kept_for_the_status_with_its_number_and_reason()
    {
        var feed = TextFeed.Parse("t,v\n1,2\noops\n2,x\n");
        Assert.Equal(2, feed.Store.BadLines);
        Assert.Equal("line 3: field 1 is not a number: \"oops\"", feed.Store.FirstBadLine);
    }

    [Fact]
    public void Control_characters_in_a_bad_line_are_not_sent_to_the_terminal()
    {
        var feed = TextFeed.Parse("1\n\u001b[31mred\n");
        Assert.Equal("line 2: field 1 is not a number: \"?[31mred\"; skipped", Assert.Single(feed.Reports));
    }
}
