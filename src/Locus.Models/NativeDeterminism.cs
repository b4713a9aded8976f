using System.Runtime.InteropServices;

namespace Locus.Models;

/// <summary>
/// Asks MKL (libtorch's CPU BLAS) for results that do not depend on buffer alignment. By default its kernels may round
/// differently when the same data sit at a different address, so one computation done twice in a process could differ
/// in the last bit (seen: a retrieval score 0.7140116 against 0.71401167 between two identical <c>specialize</c> runs).
/// <c>MKL_CBWR=AUTO,STRICT</c> cost nothing measurable on the sentence-encoder bench. MKL reads the variable from the
/// native environment at its first call, which <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not
/// change on Unix, hence <c>setenv</c>; programs call <see cref="Configure"/> before any tensor work.
/// </summary>
public static partial class NativeDeterminism
{
    private const string Variable = "MKL_CBWR";

    /// <summary>Sets <c>MKL_CBWR=AUTO,STRICT</c> unless the environment already sets it.</summary>
    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null) return;
        if (OperatingSystem.IsWindows()) Environment.SetEnvironmentVariable(Variable, "AUTO,STRICT");
        else _ = SetEnv(Variable, "AUTO,STRICT", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
