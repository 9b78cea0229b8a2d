namespace PlotPipe.Viewer.Store.Codecs;

/// <summary>
/// The named streams the store's size is measured on (<c>plotpipe bench --only store</c> and its tests): typical
/// signals a producer sends, each point a pure function of its index, so any piece of a stream is the same however
/// it is cut.
/// </summary>
internal enum SampleStream
{
    /// <summary>x counts 0, 1, 2…; y a 12-bit ADC's counts (0–4095) of a slow sine with noise.</summary>
    RampAdc12,

    /// <summary>x counts; y = sin(i / 100) in full double precision (as the end-to-end bench sends).</summary>
    RampSine,

    /// <summary>x a microsecond clock in seconds sampled at 10 Hz with ±2 ms jitter; y a temperature in °C with two decimals.</summary>
    JitteredTemperature,

    /// <summary>x counts; y uniform random doubles in [-1, 1).</summary>
    RandomDoubles,

    /// <summary>A scatter: x and y both uniform random doubles in [0, 100).</summary>
    RandomPairs,
}
