using System.Text.Json;

namespace Locus.Synthesis;

/// <summary>
/// How an example was produced, so that the data combiner can balance sources and a run record can say what
/// went into a model.
/// </summary>
/// <param name="Source">The kind of source.</param>
/// <param name="Generator">The concrete generator, e.g. <c>llm:gpt-4o-mini</c>, <c>mention-replacement</c>, <c>eda:random-swap</c>.</param>
/// <param name="Round">The synthesis round (1-based) for iterative LLM generation; null otherwise.</param>
/// <param name="ParentId">The id of the seed the example was derived from, when there is a single one.</param>
public sealed record ExampleProvenance(ExampleSource Source, string Generator, int? Round = null, string? ParentId = null)
{
    /// <summary>The property name under which <see cref="SynthesizedExample.ToExample"/> stores the provenance.</summary>
    public const string ExtraKey = "provenance";

    /// <summary>Provenance of a user-given seed.</summary>
    public static ExampleProvenance ForSeed() => new(ExampleSource.Seed, "user");

    /// <summary>The provenance as a JSON object <c>{"source", "generator", "round"?, "parent"?}</c>.</summary>
    public JsonElement ToJson()
    {
        var fields = new Dictionary<string, object?> { ["source"] = Source.ToName(), ["generator"] = Generator };
        if (Round is not null) fields["round"] = Round;
        if (ParentId is not null) fields["parent"] = ParentId;
        return JsonSerializer.SerializeToElement(fields);
    }

    /// <summary>Reads the object written by <see cref="ToJson"/>; null when it is not one (missing or unknown source).</summary>
    public static ExampleProvenance? FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object
            || !json.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.String || ExampleSources.TryParse(source.GetString()) is not { } kind
            || !json.TryGetProperty("generator", out var generator) || generator.ValueKind != JsonValueKind.String)
            return null;
        int? round = json.TryGetProperty("round", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : null;
        var parent = json.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new ExampleProvenance(kind, generator.GetString()!, round, parent);
    }
}
