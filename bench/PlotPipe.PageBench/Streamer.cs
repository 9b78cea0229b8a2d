using System.Diagnostics;

namespace PlotPipe.PageBench;

/// <summary>
/// Feeds line series like a sampled signal: series s's point k sits at x = k / <see cref="PageBenchSettings.PointsPerXUnit"/>,
/// so x counts seconds of streaming, and y is a slow sine plus a mean-reverting random walk, offset per series.
/// A scatter cloud instead gets x uniform over [0, <c>cloudWidth</c>) and y roughly normal, so its extent stays put.
/// </summary>
internal sealed class Streamer
{
    private const int Chunk = 65_536;
    private readonly Series[] _series;
    private readonly double _perXUnit;
    private readonly long[] _next;
    private readonly double[] _walk;
    private readonly Random[] _random;
    private readonly double[] _xs = new double[Chunk];
    private readonly double[] _ys = new double[Chunk];
    private long _added;
    private double _newestX;

    private readonly double _cloudWidth;

    public Streamer(Series[] series, double pointsPerXUnit, double cloudWidth = 0)
    {
        _cloudWidth = cloudWidth;
        _series = series;
        _perXUnit = pointsPerXUnit;
        _next = new long[series.Length];
        _walk = new double[series.Length];
        _random = new Random[series.Length];
        for (int s = 0; s < series.Length; s++) _random[s] = new Random(1234 + s);
    }

    /// <summary>Points added over all series so far.</summary>
    public long Added => Interlocked.Read(ref _added);

    /// <summary>The largest x added so far (the same for every series).</summary>
    public double NewestX => Volatile.Read(ref _newestX);

    /// <summary>Adds <paramref name="count"/> points to every series, in bulk.</summary>
    public void Preload(long count)
    {
        for (int s = 0; s < _series.Length; s++)
        {
            long left = count;
            while (left > 0)
            {
                int n = (int)Math.Min(Chunk, left);
                Append(s, n);
                left -= n;
            }
        }
    }

    /// <summary>
    /// Adds points paced by the clock (each ~10 ms tick adds what is due at <paramref name="pointsPerSecond"/> in total)
    /// until <paramref name="stop"/>; returns the seconds it ran.
    /// </summary>
    public double Stream(double pointsPerSecond, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        double perSeries = pointsPerSecond / _series.Length;
        var start = (long[])_next.Clone();
        while (!stop.IsCancellationRequested)
        {
            double t = clock.Elapsed.TotalSeconds;
            long due = (long)(t * perSeries);
            for (int s = 0; s < _series.Length; s++)
            {
                long left = start[s] + due - _next[s];
                while (left > 0)
                {
                    int n = (int)Math.Min(Chunk, left);
                    Append(s, n);
                    left -= n;
                }
            }
            Thread.Sleep(10);
        }
        return clock.Elapsed.TotalSeconds;
    }

    private void Append(int s, int n)
    {
        long k = _next[s];
        var rnd = _random[s];
        double w = _walk[s];
        double offset = 3.0 * s;
        if (_cloudWidth > 0)
        {
            for (int i = 0; i < n; i++)
            {
                _xs[i] = rnd.NextDouble() * _cloudWidth;
                _ys[i] = offset + rnd.NextDouble() + rnd.NextDouble() + rnd.NextDouble() - 1.5;
            }
            _next[s] = k + n;
            _series[s].Add(_xs.AsSpan(0, n), _ys.AsSpan(0, n));
            Interlocked.Add(ref _added, n);
            return;
        }
        for (int i = 0; i < n; i++, k++)
        {
            double x = k / _perXUnit;
            w = 0.999 * w + 0.05 * (rnd.NextDouble() - 0.5);
            _xs[i] = x;
            _ys[i] = offset + Math.Sin(x * (0.7 + 0.1 * s)) + w;
        }
        _walk[s] = w;
        _next[s] = k;
        _series[s].Add(_xs.AsSpan(0, n), _ys.AsSpan(0, n));
        Interlocked.Add(ref _added, n);
        double newest = (k - 1) / _perXUnit;
        if (newest > Volatile.Read(ref _newestX)) Volatile.Write(ref _newestX, newest);
    }
}
