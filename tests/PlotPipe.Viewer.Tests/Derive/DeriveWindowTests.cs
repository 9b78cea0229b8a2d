using CsCheck;
using PlotPipe.Viewer.Ingest;
using Xunit;

namespace PlotPipe.Viewer.Tests.Derive;

/// <summary>mean, min and max over the last N points against a plain reference that looks at the whole window each time.</summary>
public sealed class DeriveWindowTests
{
    private static readonly Gen<(double[] Values, int Length)> Cases =
        Gen.Select(Gen.Double[-1e6, 1e6].Array[1, 400], Gen.Int[1, 50]);

    [Fact]
    public void Min_and_max_equal_the_least_and_greatest_of_the_last_N_values()
    {
        Cases.Sample(c =>
        {
            var min = new DeriveWindow(DeriveOpKind.Min, c.Length);
            var max = new DeriveWindow(DeriveOpKind.Max, c.Length);
            for (int i = 0; i < c.Values.Length; i++)
            {
                var window = c.Values.AsSpan(Math.Max(0, i + 1 - c.Length)..(i + 1));
                double least = double.PositiveInfinity, greatest = double.NegativeInfinity;
                foreach (var v in window)
                {
                    least = Math.Min(least, v);
                    greatest = Math.Max(greatest, v);
                }
                Assert.Equal(least, min.Next(c.Values[i]));
                Assert.Equal(greatest, max.Next(c.Values[i]));
            }
        });
    }

    [Fact]
    public void Mean_equals_the_mean_of_the_last_N_values_to_rounding()
    {
        Cases.Sample(c =>
        {
            var mean = new DeriveWindow(DeriveOpKind.Mean, c.Length);
            for (int i = 0; i < c.Values.Length; i++)
            {
                var window = c.Values.AsSpan(Math.Max(0, i + 1 - c.Length)..(i + 1));
                double sum = 0;
                foreach (var v in window) sum += v;
                double expected = sum / window.Length;
                double got = mean.Next(c.Values[i]);
                // A running sum rounds differently from a fresh one: within a few ulps of the window's largest value.
                Assert.True(Math.Abs(got - expected) <= 1e-12 * 1e6 * c.Length, $"point {i}, window {c.Length}: {got} against {expected}");
            }
        });
    }

    [Fact]
    public void A_window_of_one_is_the_value_itself()
    {
        var mean = new DeriveWindow(DeriveOpKind.Mean, 1);
        var max = new DeriveWindow(DeriveOpKind.Max, 1);
        foreach (var v in new[] { 3.0, -1, 7, 7, 2 })
        {
            Assert.Equal(v, mean.Next(v));
            Assert.Equal(v, max.Next(v));
        }
    }
}
