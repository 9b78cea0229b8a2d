using PlotPipe.Viewer.Ingest;
using Xunit;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>Reading <c>--derive</c> rules: what they read, and every fault named with its position.</summary>
public sealed class DeriveRuleTests
{
    [Fact]
    public void A_rule_names_its_series_and_reads_its_sources_leading_one_first()
    {
        var rule = DeriveRule.TryParse("c = (a + b) / 2 - abs('train/loss')", out var problem);
        Assert.Null(problem);
        Assert.Equal("c", rule!.Name);
        Assert.Equal("(a + b) / 2 - abs('train/loss')", rule.Expression);
        Assert.Equal(["a", "b", "train/loss"], rule.Sources);
    }

    [Fact]
    public void A_series_named_twice_is_read_once()
    {
        var rule = DeriveRule.TryParse("sq = x * x + max(x, 3)", out _);
        Assert.Equal(["x"], rule!.Sources);
    }

    [Theory]
    [InlineData("= ema(loss, 0.9)", "at position 1: expected the derived series' name")]
    [InlineData("s ema(loss, 0.9)", "at position 3: expected = after the name")]
    [InlineData("s = ema(loss)", "at position 13: ema takes a second argument, w")]
    [InlineData("s = ema(loss, 1.5)", "at position 15: ema's weight 1.5 must be from 0 to 0.999")]
    [InlineData("s = mean(loss, 0)", "at position 16: mean's window 0 must be a whole number of points")]
    [InlineData("s = max(loss, 2.5)", "at position 15: max's window 2.5 must be a whole number")]
    [InlineData("s = emma(loss, 0.9)", "at position 5: unknown function emma")]
    [InlineData("s = (a + b", "at position 11: expected ) but the expression ends")]
    [InlineData("s = a + * b", "at position 9: expected a series, a number, a function or ( but found '*'")]
    [InlineData("s = a b", "at position 7: unexpected 'b'")]
    [InlineData("s = 2 * 3", "at position 5: the expression reads no series")]
    [InlineData("s = 'loss", "at position 5: a quoted name has no closing '")]
    [InlineData("s = rate(loss", "at position 14: expected ) to close rate( but the expression ends")]
    public void A_bad_rule_is_refused_naming_the_rule_and_the_position(string text, string fault)
    {
        Assert.Null(DeriveRule.TryParse(text, out var problem));
        Assert.StartsWith($"--derive \"{text}\": {fault}", problem);
        Assert.DoesNotContain("\n", problem!);
    }

    [Fact]
    public void Rules_that_read_each_other_in_a_circle_are_refused()
    {
        Assert.Null(DeriveRule.TryParseAll(["a = rate(b)", "b = ema(a, 0.5)"], out var problem));
        Assert.Equal("--derive \"a = rate(b)\": a reads itself (through the derived series it reads), so it could never have a point", problem);
        Assert.Null(DeriveRule.TryParseAll(["loss = ema(loss, 0.9)"], out problem));
        Assert.Contains("loss reads itself", problem);
    }

    [Fact]
    public void Two_rules_of_one_name_are_refused_and_a_chain_is_taken()
    {
        Assert.Null(DeriveRule.TryParseAll(["s = rate(a)", "s = ema(a, 0.5)"], out var problem));
        Assert.Equal("--derive \"s = ema(a, 0.5)\": a derived series named s is defined twice", problem);
        Assert.NotNull(DeriveRule.TryParseAll(["r = rate(a)", "smooth = ema(r, 0.5)"], out problem));
        Assert.Null(problem);
    }
}
