using Microsoft.Extensions.Logging;

namespace PlotPipe.Tests.Support;

/// <summary>A logger that keeps every line it is given, with its level, for tests to read.</summary>
public sealed class LogLines : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _lines = new();

    public (LogLevel Level, string Text)[] Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
}
