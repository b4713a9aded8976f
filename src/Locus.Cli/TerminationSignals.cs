using System.Runtime.InteropServices;

namespace Locus.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation of the running command, so both unwind the same way: a run
/// marks its version interrupted, an ingest keeps its last checkpoint. The process waits for that unwinding however
/// long it takes; a second signal of the same kind gets the default behaviour (the process ends at once).
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    /// <summary>Registers the handlers (where the platform has POSIX signals); <paramref name="error"/> hears that a signal came.</summary>
    public TerminationSignals(TextWriter error)
    {
        _error = error;
        if (OperatingSystem.IsBrowser() || OperatingSystem.IsAndroid() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS()) return;
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
    }

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The signal that cancelled the command, or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>The shell's exit code for the signal (128 + its number: 130 for SIGINT, 143 for SIGTERM), or null.</summary>
    public int? ExitCode { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1) return;    // second signal: let the runtime end the process
        context.Cancel = true;
        (Signal, ExitCode) = context.Signal == PosixSignal.SIGINT ? ("SIGINT", 130) : ("SIGTERM", 143);
        // Said at once: the command may need a while to reach a point where it can stop cleanly.
        _error.WriteLine($"{Signal}: stopping at the next safe point (send it again to stop at once)");
        _cancel.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
