namespace Locus.Tests.TestSupport;

/// <summary>
/// Finds ../shared/fixtures (the Hugging Face reference vectors) by walking up from the test binary:
/// CI clones the repository beside shared/, developers have it at the same place.
/// </summary>
public static class SharedFixtures
{
    static readonly Lazy<string> root = new(Find);

    /// <summary>The fixtures folder.</summary>
    public static string Root => root.Value;

    /// <summary>A path under the fixtures folder.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"no shared/fixtures folder above {AppContext.BaseDirectory}; clone the repository beside shared/");
    }
}
