using PlotPipe.Protocol;
using System.Text;
using PlotPipe.Viewer.Ingest;

namespace PlotPipe.Viewer.Tests.Ingest;

/// <summary>JSON lines whose bytes or escapes are not text: each is one bad line, never the end of the viewer.</summary>
public class TextJsonTests
{
    public static TheoryData<string, string> Unreadable => new()
    {
        { "{\"a\xff\": 2}", "not UTF-8 text (byte 4 of the line)" },
        { "{\"\\ud800\": 1}", "the name \"\\ud800\" escapes half a surrogate pair" },
        { "{\"series\": \"\\udc00\", \"y\": 1}", "the value of \"series\" escapes half a surrogate pair" },
        { "{\"a\\udbff\\u0041\": 1}", "escapes half a surrogate pair" },
        { "{\"t\": \"\\ud83d\", \"a\": 1}", "the value of \"t\" escapes half a surrogate pair" },
        { "{\"a\": 1, \"note\": \"caf\xe9\"}", "not UTF-8 text (byte 22 of the line)" },
        { "{\"a\": 1, \"b\": \"\xed\xa0\x80\"}", "not UTF-8 text" },
        { "{\"a\": \x01}", "not valid JSON" },
        // What Python's json.dumps writes for float("nan") and the infinities: named, not "an invalid start of a value".
        { "{\"t\": 8, \"a\": NaN}", "NaN at byte 15 is no JSON number (Python's json.dumps writes it" },
        { "{\"a\": Infinity, \"t\": 8}", "Infinity at byte 7 is no JSON number" },
        { "{\"a\": -Infinity}", "-Infinity at byte 7 is no JSON number" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void An_unreadable_json_line_between_good_ones_is_one_bad_line_with_its_reason(string bad, string reason)
    {
        // Latin-1 keeps each char of the test's text one byte, so \xff is the byte 0xFF.
        var bytes = Encoding.Latin1.GetBytes("{\"a\": 1}\n" + bad + "\n{\"a\": 3}\n");
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var feed = TextFeed.Parse(bytes, null, cut);
            Assert.Equal([(1, 1), (3, 3)], feed.Points("a"));
            Assert.Equal(1, feed.Store.BadLines);
            var report = Assert.Single(feed.Reports);
            Assert.StartsWith("line 2: ", report);
            Assert.Contains(reason, report);
        }
    }

    [Fact]
    public void Whole_surrogate_pairs_and_other_escapes_in_names_are_read()
    {
        var feed = TextFeed.Parse("{\"\\ud83d\\ude00 \\u00e9\\n\": 1, \"series-less\\\"q\": 2}\n");
        Assert.Equal(["😀 é\n", "series-less\"q"], feed.Names);
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void A_nested_object_s_fields_are_series_named_with_a_dot_and_arrays_are_passed_over()
    {
        // A board's line, as ESP32 and MQTT sensors print them: x from t, every number inside objects a series.
        var feed = TextFeed.Parse(
            "{\"t\": 0.001, \"accel\": {\"x\": 0.5, \"y\": -0.5, \"axis\": {\"z\": 9.8}}, \"state\": \"ok\", \"raw\": [1, 2], \"empty\": {}}\n"
            + "{\"t\": 0.002, \"accel\": {\"x\": 0.25, \"y\": -0.25, \"axis\": {\"z\": 9.7}}, \"state\": \"ok\", \"raw\": [3, 4], \"empty\": {}}\n");
        Assert.Equal(["accel.x", "accel.y", "accel.axis.z"], feed.Names);
        Assert.Equal([(0.001, 0.5), (0.002, 0.25)], feed.Points("accel.x"));
        Assert.Equal([(0.001, 9.8), (0.002, 9.7)], feed.Points("accel.axis.z"));
        Assert.Equal("t", feed.Store.Plot.Panels[0].XLabel);
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void A_nested_field_can_be_x_and_a_nested_string_with_half_a_surrogate_pair_is_a_bad_line()
    {
        var feed = TextFeed.Parse(
            "{\"meta\": {\"time\": \"2026-12-05T10:00:00Z\"}, \"temp\": 21.5}\n"
            + "{\"meta\": {\"time\": \"2026-12-05T10:00:01Z\", \"note\": \"\\ud800\"}, \"temp\": 21.6}\n");
        Assert.Equal(["temp"], feed.Names);
        Assert.Equal([(1_796_464_800.0, 21.5)], feed.Points("temp"));
        Assert.Equal("line 2: the value of \"meta.note\" escapes half a surrogate pair, which is no character; skipped", Assert.Single(feed.Reports));
    }

    [Fact]
    public void An_object_whose_dotted_name_is_longer_than_a_series_name_is_passed_over()
    {
        string longName = new('n', ProtocolLimits.MaxNameBytes - 3);
        var feed = TextFeed.Parse($"{{\"a\": 1, \"{longName}\": {{\"b\": 2}}, \"{longName}xxxx\": {{\"c\": 3}}}}\n");
        Assert.Equal(["a", longName + ".b"], feed.Names);
        Assert.Empty(feed.Reports);
    }

    [Fact]
    public void Names_longer_than_a_legend_takes_are_cut_between_characters()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 60)); // 240 UTF-8 bytes
        var feed = TextFeed.Parse($"{{\"{name}\": 1}}\n{{\"{name}\": 2}}\n");
        var shown = Assert.Single(feed.Names);
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 50)), shown);
        Assert.Equal([(1, 1), (2, 2)], feed.Points(shown));
    }
}
