using System.Diagnostics;

namespace Locus.Specialization.Runs;

/// <summary>
/// The process that runs a version, recorded in <c>run.json</c> while the version is running. A process killed with
/// SIGKILL (or a crashed machine) cannot mark its version, so readers compare this record with the live processes and
/// treat a running version whose owner is gone as interrupted.
/// </summary>
public sealed class RunOwner
{
    // Process start times are derived from the boot time and clock ticks; allow for rounding between two readings.
    private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(2);

    /// <summary>The owner's process id.</summary>
    public int Pid { get; set; }

    /// <summary>When the owner process started, UTC; tells the owner from a later process that reuses its id.</summary>
    public DateTime ProcessStartedUtc { get; set; }

    /// <summary>The machine the owner runs on; processes of other machines cannot be checked.</summary>
    public string Host { get; set; } = "";

    /// <summary>The current process.</summary>
    public static RunOwner Current()
    {
        using var process = Process.GetCurrentProcess();
        return new RunOwner { Pid = process.Id, ProcessStartedUtc = process.StartTime.ToUniversalTime(), Host = Environment.MachineName };
    }

    /// <summary>
    /// Whether the owner still runs: false when no process has its id or the process with its id started at another
    /// time; null when the owner is on another machine, so nothing can be said.
    /// </summary>
    public bool? IsAlive()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.Ordinal)) return null;
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (process.HasExited) return false;
            return (process.StartTime.ToUniversalTime() - ProcessStartedUtc).Duration() <= StartTolerance;
        }
        catch (ArgumentException)
        {
            return false;    // no process with this id
        }
        catch (InvalidOperationException)
        {
            return false;    // it exited while being inspected
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"pid {Pid} on {Host}";
}
