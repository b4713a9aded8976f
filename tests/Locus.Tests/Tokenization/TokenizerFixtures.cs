using System.Text.Json;

namespace Locus.Tests.Tokenization;

/// <summary>Finds the shared Hugging Face reference vectors (../shared/fixtures in CI, /work/shared here).</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string MiniLmFolder => Path.Combine(Root, "tokenizers", "all-MiniLM-L6-v2");

    public static string DebertaFolder => Path.Combine(Root, "tokenizers", "deberta-v3-spm");

    public static JsonDocument Read(string relativePath) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, relativePath)));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (File.Exists(Path.Combine(candidate, "tokenizers", "test_strings.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"No shared/fixtures/tokenizers found above {AppContext.BaseDirectory}; the parity tests need the reference vectors.");
    }

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static int?[] NullableInts(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (int?)null : e.GetInt32()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static (int, int)[] Spans(JsonElement array) =>
        array.EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToArray();
}
