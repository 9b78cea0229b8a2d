namespace PlotPipe;

/// <summary>Time on x as the protocol carries it: seconds since 1970-01-01T00:00:00Z, as a double.</summary>
internal static class UnixSeconds
{
    private const double TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>
    /// Seconds since the Unix epoch. Local times are converted to UTC; Unspecified is taken as UTC already, the way
    /// <c>DateTime.UtcNow</c>-based arithmetic usually leaves it. One rounding, so a whole microsecond of this
    /// century comes back as the nearest double (about 0.24 µs apart there).
    /// </summary>
    public static double From(DateTime time)
    {
        if (time.Kind == DateTimeKind.Local) time = time.ToUniversalTime();
        return (time.Ticks - DateTime.UnixEpoch.Ticks) / TicksPerSecond;
    }

    /// <summary>Seconds since the Unix epoch of the instant <paramref name="time"/> names, whatever its offset.</summary>
    public static double From(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / TicksPerSecond;

    /// <summary>A conversion to Unix seconds, as a struct so generic callers inline it.</summary>
    public interface IConverter<T>
    {
        /// <summary>Seconds since the Unix epoch of <paramref name="time"/>.</summary>
        double Seconds(T time);
    }

    /// <summary>Converts <see cref="DateTime"/> as <see cref="From(DateTime)"/> does.</summary>
    public readonly struct OfDateTime : IConverter<DateTime>
    {
        /// <inheritdoc/>
        public double Seconds(DateTime time) => From(time);
    }

    /// <summary>Converts <see cref="DateTimeOffset"/> as <see cref="From(DateTimeOffset)"/> does.</summary>
    public readonly struct OfDateTimeOffset : IConverter<DateTimeOffset>
    {
        /// <inheritdoc/>
        public double Seconds(DateTimeOffset time) => From(time);
    }
}
