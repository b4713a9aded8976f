using System.Text.Json;

namespace Locus.Bench;

/// <summary>Writes a benchmark's JSON report under <see cref="LocusJson"/>'s policy, led by <c>"format": "locus-bench-NAME-1"</c>.</summary>
internal static class BenchReport
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> atomically (the folder is created).</summary>
    /// <param name="path">The report file.</param>
    /// <param name="name">The benchmark, e.g. <c>serve</c>; it names the format.</param>
    /// <param name="report">An object whose members become the report's, after the format.</param>
    public static void Write(string path, string name, object report)
    {
        var json = JsonSerializer.SerializeToNode(report, LocusJson.Options)!.AsObject();
        json.Insert(0, LocusJson.FormatMember, new LocusFileFormat($"bench-{name}", 1).Name);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, json.ToJsonString(LocusJson.Options) + "\n");
    }
}
