using System.Runtime.InteropServices;

namespace Locus.Models;

/// <summary>
/// Settings that libtorch's native libraries read from the process environment once, when they load, so programs call
/// <see cref="Configure"/> before any tensor work. <see cref="Environment.SetEnvironmentVariable(string, string)"/> does
/// not change the native environment on Unix, hence <c>setenv</c>. A variable the user already set is left alone.
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>
    /// <c>MKL_CBWR=AUTO,STRICT</c>: results that do not depend on buffer alignment. By default MKL's kernels may round
    /// differently when the same data sit at a different address, so one computation done twice in a process could
    /// differ in the last bit (seen: a retrieval score 0.7140116 against 0.71401167 between two identical
    /// <c>specialize</c> runs). It cost nothing measurable on the sentence-encoder bench.
    /// </summary>
    public const string MklConditionalNumericalReproducibility = "MKL_CBWR";

    /// <summary>
    /// <c>OMP_WAIT_POLICY=PASSIVE</c>: libtorch's OpenMP threads (GNU libgomp) sleep between parallel regions instead of
    /// spinning. Spinning buys microseconds on an idle machine and costs whole cores on a shared one: a thread that waits
    /// for a preempted sibling burns its time slice, so on a loaded 2-core machine <c>--threads 2</c> was seen to cost
    /// ~20x the CPU per training step of <c>--threads 1</c>.
    /// </summary>
    public const string OpenMpWaitPolicy = "OMP_WAIT_POLICY";

    /// <summary>Sets <see cref="MklConditionalNumericalReproducibility"/> and <see cref="OpenMpWaitPolicy"/> unless the environment already sets them.</summary>
    public static void Configure()
    {
        SetUnlessPresent(MklConditionalNumericalReproducibility, "AUTO,STRICT");
        SetUnlessPresent(OpenMpWaitPolicy, "PASSIVE");
    }

    static void SetUnlessPresent(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null) return;
        if (OperatingSystem.IsWindows()) Environment.SetEnvironmentVariable(name, value);
        else _ = SetEnv(name, value, 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
