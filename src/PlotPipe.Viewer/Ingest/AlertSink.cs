using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PlotPipe.Protocol;
using PlotPipe.Viewer.Store;

namespace PlotPipe.Viewer.Ingest;

/// <summary>
/// Checks every point received against the <c>--alert</c> rules, beside the store and before any cap or
/// decimation, so a one-point spike the screen would hide still fires. A firing becomes an alert marker in the
/// store's events, a <c>plotpipe: alert:</c> line and a count in the status. A series' rules are found by its
/// name the first time it sends, so a batch of a series without rules costs one look-up.
/// </summary>
internal sealed class AlertSink : IPointSink
{
    /// <summary>Firings written to standard error before the rest are only counted and listed, so a rule that flips on every other point cannot flood it.</summary>
    public const int MaxPrintedFirings = 100;

    private readonly AlertRule[] _rules;
    private readonly PlotStore _store;
    private readonly Action<string> _report;
    private readonly object _gate = new();
    private readonly Action<AlertChecks, AlertRule, double, double> _fire;
    private readonly TaskCompletionSource _firstFiring = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // By series index: the checks of the series there, or None for a series no rule names. Grown under the gate,
    // read without it (a writer publishes a new array; a slot of a series is set before its first batch is checked).
    private AlertChecks?[] _bySeries = new AlertChecks?[64];
    private long _fired;

    /// <summary>Watches the series <paramref name="rules"/> name; markers go to <paramref name="store"/>'s events, lines to <paramref name="report"/>.</summary>
    public AlertSink(IReadOnlyList<AlertRule> rules, PlotStore store, Action<string> report)
    {
        _rules = [.. rules];
        _store = store;
        _report = report;
        _fire = Fire;
        RuleTexts = [.. _rules.Select(r => r.Text)];
    }

    /// <summary>The rules as shown, in the order given.</summary>
    public IReadOnlyList<string> RuleTexts { get; }

    /// <summary>Firings so far over all rules and series.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    /// <summary>Completes at the first firing (for <c>--exit-on-alert</c>).</summary>
    public Task FirstFiring => _firstFiring.Task;

    /// <inheritdoc/>
    public void Append(SeriesStore series, in Frame frame)
    {
        if (ChecksOf(series) is not { } checks) return;
        double now = Now();
        var xBytes = frame.XBytes;
        var yBytes = frame.YBytes;
        if (xBytes.IsSingleSegment && yBytes.IsSingleSegment && BitConverter.IsLittleEndian)
        {
            checks.Check(MemoryMarshal.Cast<byte, double>(xBytes.FirstSpan), MemoryMarshal.Cast<byte, double>(yBytes.FirstSpan), now);
            return;
        }
        // A frame split over buffers, or a big-endian machine: checked in pieces copied out.
        const int Piece = 256;
        Span<double> xs = stackalloc double[Piece];
        Span<double> ys = stackalloc double[Piece];
        int count = frame.PointCount;
        for (int done = 0; done < count; done += Piece)
        {
            int n = Math.Min(Piece, count - done);
            Frame.CopyColumn(xBytes.Slice(done * 8L, n * 8L), xs[..n]);
            Frame.CopyColumn(yBytes.Slice(done * 8L, n * 8L), ys[..n]);
            checks.Check(xs[..n], ys[..n], now);
        }
    }

    /// <inheritdoc/>
    public void Append(SeriesStore series, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        if (ChecksOf(series) is { } checks) checks.Check(xs, ys, Now());
    }

    private static double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    // The series' checks, made the first time it sends; null when no rule names it.
    private AlertChecks? ChecksOf(SeriesStore series)
    {
        var table = Volatile.Read(ref _bySeries);
        int at = series.Index;
        if ((uint)at < (uint)table.Length && table[at] is { } found && ReferenceEquals(found.Series, series)) return found.HasRules ? found : null;
        return Resolve(series);
    }

    private AlertChecks? Resolve(SeriesStore series)
    {
        lock (_gate)
        {
            int at = series.Index;
            var table = _bySeries;
            if (at < 0) return null;
            if (at >= table.Length)
            {
                var grown = new AlertChecks?[Math.Max(table.Length * 2, at + 1)];
                table.CopyTo(grown, 0);
                table = grown;
            }
            var named = new List<AlertRule>();
            foreach (var rule in _rules)
            {
                if (rule.Series == series.Name) named.Add(rule);
            }
            var checks = new AlertChecks(series, [.. named], _fire);
            table[at] = checks;
            Volatile.Write(ref _bySeries, table);
            return checks.HasRules ? checks : null;
        }
    }

    // Rare by nature: the one place alerts allocate (the marker's text and the line).
    private void Fire(AlertChecks checks, AlertRule rule, double x, double y)
    {
        long n = Interlocked.Increment(ref _fired);
        string at = checks.XIsTime ? TimeText(x) : AlertRule.Show(x);
        string text = $"alert: {rule.Text} ({QuotedName(checks.Series.Name)} = {AlertRule.Show(y)} at x = {at})";
        _store.Events.Add(new PlotEvent(EventKind.Mark, x, null, checks.XIsTime, text), checks.Series.Producer, alert: true);
        if (n <= MaxPrintedFirings) _report(text);
        else if (n == MaxPrintedFirings + 1) _report($"alert: {MaxPrintedFirings} alerts printed; the rest are counted in /api/status and listed in /api/events");
        _firstFiring.TrySetResult();
    }

    private static string QuotedName(string name) => name.Any(c => char.IsWhiteSpace(c) || c is '<' or '>') ? $"\"{name}\"" : name;

    private static string TimeText(double unixSeconds) =>
        Math.Abs(unixSeconds) < 2.5e11
            ? DateTime.UnixEpoch.AddTicks((long)(unixSeconds * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
            : AlertRule.Show(unixSeconds);
}
