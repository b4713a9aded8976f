// TorchSharp's random generator and thread settings are process-wide: tests that seed it must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Locus.Tests
{
    internal static class NativeSetup
    {
        // Before any test touches libtorch: MKL reads MKL_CBWR at its first call (see NativeEnvironment).
#pragma warning disable CA2255 // the test assembly is the process's entry point for its tests
        [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
        internal static void Initialize() => Locus.Models.NativeEnvironment.Configure();
    }
}
