using System.Reflection;
using System.Runtime.InteropServices;

namespace Locus.Specialization.Runs;

/// <summary>The software and machine a run ran on, so a result can be reproduced (or a difference explained).</summary>
public sealed record RunEnvironment
{
    /// <summary>Locus's version (the informational version of this assembly).</summary>
    public required string Locus { get; init; }

    /// <summary>The .NET runtime, e.g. <c>.NET 10.0.0</c>.</summary>
    public required string Dotnet { get; init; }

    /// <summary>The TorchSharp assembly's version.</summary>
    public required string TorchSharp { get; init; }

    /// <summary>The operating system as the runtime describes it.</summary>
    public required string Os { get; init; }

    /// <summary>The process architecture, e.g. <c>X64</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Logical processors available to the process.</summary>
    public required int CpuCount { get; init; }

    /// <summary>Reads the environment of the current process.</summary>
    public static RunEnvironment Capture() => new()
    {
        Locus = VersionOf(typeof(RunEnvironment).Assembly),
        Dotnet = RuntimeInformation.FrameworkDescription,
        // typeof does not run TorchSharp's static constructor, so no native library is loaded here.
        TorchSharp = VersionOf(typeof(TorchSharp.torch).Assembly),
        Os = RuntimeInformation.OSDescription,
        Architecture = RuntimeInformation.ProcessArchitecture.ToString(),
        CpuCount = Environment.ProcessorCount,
    };

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";
}
