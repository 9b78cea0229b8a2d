using System.Runtime.InteropServices;

namespace PlotPipe.Viewer.Hosting;

/// <summary>
/// SIGTERM, SIGINT (Ctrl+C) and SIGHUP (terminal closed) as a request to stop: the runtime's default (die at once)
/// is cancelled so the viewer can save the pictures it was asked for first. A second signal is not cancelled, so a
/// viewer that fails to stop can still be killed the ordinary way.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    /// <summary>Starts listening; on platforms without these signals the token simply never fires.</summary>
    public StopSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGHUP has no meaning on Windows; Ctrl+C and SIGTERM still register there.
            }
        }
    }

    /// <summary>Cancelled when the first stop signal arrives.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// The exit code that tells a shell which signal stopped the viewer: 128 + the signal's number (SIGHUP 129,
    /// SIGINT 130, SIGTERM 143), as shells and System.CommandLine report it; 0 when none arrived.
    /// </summary>
    public int ExitCode => Volatile.Read(ref _signal) switch
    {
        0 => 0,
        (int)PosixSignal.SIGHUP => 128 + 1,
        (int)PosixSignal.SIGINT => 128 + 2,
        _ => 128 + 15,
    };

    /// <summary>The name of the signal that arrived (for the one line the viewer writes), or null.</summary>
    public string? Name => Volatile.Read(ref _signal) switch
    {
        0 => null,
        (int)PosixSignal.SIGHUP => "SIGHUP",
        (int)PosixSignal.SIGINT => "SIGINT",
        _ => "SIGTERM",
    };

    private void OnSignal(PosixSignalContext context)
    {
        // PosixSignal values are negative placeholders, never 0, so 0 means "no signal yet".
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0) return;
        context.Cancel = true;
        // Off the signal thread: cancelling runs the shutdown's continuations, which must not hold up a second signal.
        _ = _stop.CancelAsync();
    }

    /// <summary>Stops listening: from now on the signals have their default effect again.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
