using PlotPipe.Viewer.Ingest;
using Xunit;

namespace PlotPipe.Viewer.Tests.Alerts;

/// <summary>The rule grammar of <c>--alert</c>: what it reads, how it shows a rule, and how it names what is wrong.</summary>
public sealed class AlertRuleTests
{
    [Theory]
    [InlineData("loss > 10", "loss", "Above", 10, 1, 0, "loss > 10")]
    [InlineData("loss>=10", "loss", "AtLeast", 10, 1, 0, "loss >= 10")]
    [InlineData("  v <  -2.5e3 ", "v", "Below", -2500, 1, 0, "v < -2500")]
    [InlineData("v <= 0", "v", "AtMost", 0, 1, 0, "v <= 0")]
    [InlineData("loss is nan", "loss", "IsNaN", 0, 1, 0, "loss is nan")]
    [InlineData("loss IS NaN", "loss", "IsNaN", 0, 1, 0, "loss is nan")]
    [InlineData("\"train loss\" > 10", "train loss", "Above", 10, 1, 0, "\"train loss\" > 10")]
    [InlineData("\"v\" > 10", "v", "Above", 10, 1, 0, "v > 10")]
    [InlineData("temp > 80 for 5 points", "temp", "Above", 80, 5, 0, "temp > 80 for 5 points")]
    [InlineData("temp > 80 for 1 point", "temp", "Above", 80, 1, 0, "temp > 80 for 1 point")]
    [InlineData("temp > 80 for 5s", "temp", "Above", 80, 1, 5, "temp > 80 for 5s")]
    [InlineData("temp > 80 for 200ms", "temp", "Above", 80, 1, 0.2, "temp > 80 for 200ms")]
    [InlineData("temp > 80 for 2m", "temp", "Above", 80, 1, 120, "temp > 80 for 2m")]
    [InlineData("temp > 80 for 1h", "temp", "Above", 80, 1, 3600, "temp > 80 for 1h")]
    [InlineData("loss is nan for 3 points", "loss", "IsNaN", 0, 3, 0, "loss is nan for 3 points")]
    public void A_rule_reads_its_series_test_threshold_and_how_long(string text, string series, string test, double threshold, int points, double seconds, string shown)
    {
        var rule = AlertRule.Parse(text);
        Assert.Equal(series, rule.Series);
        Assert.Equal(Enum.Parse<AlertTest>(test), rule.Test);
        Assert.Equal(threshold, rule.Threshold);
        Assert.Equal(points, rule.ForPoints);
        Assert.Equal(seconds, rule.ForSeconds, 9);
        Assert.Equal(shown, rule.Text);
    }

    [Theory]
    [InlineData("", "no series name")]
    [InlineData("loss", "no test after the series \"loss\"")]
    [InlineData("loss >> 10", "\">\" is not a finite number")]
    [InlineData("loss = 10", "after the series \"loss\" comes >, >=, <, <= or is nan, not \"=\"")]
    [InlineData("train loss > 10", "quote a name with spaces: \"train loss\" > 10")]
    [InlineData("train loss is nan for 3 points", "quote a name with spaces: \"train loss\" is nan for 3 points")]
    [InlineData("motor temp <= -5", "quote a name with spaces: \"motor temp\" <= -5")]
    [InlineData("\"train loss > 10", "the series name's quote is not closed")]
    [InlineData("loss > ten", "\"ten\" is not a finite number")]
    [InlineData("loss > inf", "\"inf\" is not a finite number")]
    [InlineData("loss >", "no number to compare with")]
    [InlineData("loss is big", "after \"loss is\" comes nan, not \"big\"")]
    [InlineData("loss > 10 for", "for what?")]
    [InlineData("loss > 10 for 5", "for 5 what?")]
    [InlineData("loss > 10 for 0 points", "for 0 points: give 1 to")]
    [InlineData("loss > 10 for 5 weeks", "for 5 what?")]
    [InlineData("loss > 10 for 5y", "\"5y\" is not a number of points or a duration")]
    [InlineData("loss > 10 for -1s", "\"-1s\" is not a number of points or a duration")]
    [InlineData("loss > 10 and more", "\"and more\" is left over")]
    public void A_bad_rule_is_refused_naming_the_rule_and_what_is_wrong(string text, string why)
    {
        Assert.False(AlertRule.TryParse(text, out var rule, out var problem));
        Assert.Null(rule);
        Assert.StartsWith($"--alert \"{text}\": ", problem);
        Assert.Contains(why, problem);
        var thrown = Assert.Throws<ArgumentException>(() => AlertRule.Parse(text));
        Assert.Contains(problem!, thrown.Message);
    }

    [Theory]
    [InlineData("v > 10", 10.5, true)]
    [InlineData("v > 10", 10, false)]
    [InlineData("v >= 10", 10, true)]
    [InlineData("v < 10", 9.9, true)]
    [InlineData("v <= 10", 10, true)]
    [InlineData("v <= 10", 10.1, false)]
    [InlineData("v > 10", double.NaN, false)]
    [InlineData("v < 10", double.NaN, false)]
    [InlineData("v is nan", double.NaN, true)]
    [InlineData("v is nan", 1, false)]
    [InlineData("v > 10", double.PositiveInfinity, true)]
    public void A_rules_test_holds_as_its_comparison_says_and_nan_meets_only_is_nan(string text, double y, bool holds) =>
        Assert.Equal(holds, AlertRule.Parse(text).Holds(y));
}
