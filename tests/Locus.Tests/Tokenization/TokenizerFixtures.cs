using Locus.Tests.TestSupport;
using System.Text.Json;

namespace Locus.Tests.Tokenization;

/// <summary>The tokenizer reference vectors under the shared fixtures, and readers for their JSON arrays.</summary>
internal static class TokenizerFixtures
{
    public static string Root => SharedFixtures.Root;

    public static string MiniLmFolder => Path.Combine(Root, "tokenizers", "all-MiniLM-L6-v2");

    public static string DebertaFolder => Path.Combine(Root, "tokenizers", "deberta-v3-spm");

    public static JsonDocument Read(string relativePath) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, relativePath)));

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static int?[] NullableInts(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (int?)null : e.GetInt32()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static (int, int)[] Spans(JsonElement array) =>
        array.EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToArray();
}
