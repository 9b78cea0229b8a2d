namespace PlotPipe.Viewer.Store.Codecs;

/// <summary>Generates the points of a <see cref="SampleStream"/>.</summary>
internal static class SampleStreams
{
    /// <summary>Every stream, in the order reports list them.</summary>
    public static readonly SampleStream[] All =
        [SampleStream.RampAdc12, SampleStream.RampSine, SampleStream.JitteredTemperature, SampleStream.RandomDoubles, SampleStream.RandomPairs];

    /// <summary>A short name for tables.</summary>
    public static string Name(SampleStream stream) => stream switch
    {
        SampleStream.RampAdc12 => "ramp x, 12-bit ADC y",
        SampleStream.RampSine => "ramp x, sine y",
        SampleStream.JitteredTemperature => "jittered time x, temperature y",
        SampleStream.RandomDoubles => "ramp x, random double y",
        _ => "scatter of random pairs",
    };

    /// <summary>Whether the stream is a line (x never goes back) or a scatter.</summary>
    public static bool IsLine(SampleStream stream) => stream != SampleStream.RandomPairs;

    /// <summary>Fills <paramref name="xs"/> and <paramref name="ys"/> with the points from index <paramref name="start"/> on.</summary>
    public static void Fill(SampleStream stream, long start, Span<double> xs, Span<double> ys)
    {
        for (int j = 0; j < xs.Length; j++)
        {
            long i = start + j;
            ulong h = Mix((ulong)i), g = Mix((ulong)i ^ 0x5851F42D4C957F2DUL);
            switch (stream)
            {
                case SampleStream.RampAdc12:
                    xs[j] = i;
                    ys[j] = Math.Clamp(Math.Round(2048 + 1500 * Math.Sin(i * (2 * Math.PI / 5000)) + (int)(h % 41) - 20), 0, 4095);
                    break;
                case SampleStream.RampSine:
                    xs[j] = i;
                    ys[j] = Math.Sin(i * 0.01);
                    break;
                case SampleStream.JitteredTemperature:
                    // A microsecond clock: the x are k / 10^6 seconds for whole k, as a clock's readings are.
                    xs[j] = (1_700_000_000_000_000L + i * 100_000L + (long)(h % 4001) - 2000) / 1e6;
                    ys[j] = (2000 + Math.Round(500 * Math.Sin(i / 20_000.0)) + (long)(g % 7) - 3) / 100.0;
                    break;
                case SampleStream.RandomDoubles:
                    xs[j] = i;
                    ys[j] = Unit(h) * 2 - 1;
                    break;
                default:
                    xs[j] = Unit(h) * 100;
                    ys[j] = Unit(g) * 100;
                    break;
            }
        }
    }

    // A uniform double in [0, 1) from 53 bits of a hash.
    private static double Unit(ulong h) => (h >> 11) * (1.0 / (1UL << 53));

    // SplitMix64's finaliser: a point's noise depends on its index alone.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
