using Locus.Data;

namespace Locus.Synthesis;

/// <summary>The id by which provenance and reject reasons name an input example.</summary>
internal static class SeedIds
{
    /// <summary>The example's own id, or <c>seed-{index + 1}</c> when it has none.</summary>
    public static string Of(Example example, int index) => example.Id ?? $"seed-{index + 1}";
}
