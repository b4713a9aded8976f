using System.Text.Json;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>A produced training example together with where it came from.</summary>
/// <param name="Example">The example; its <see cref="Data.Example.Id"/> is set by the generator.</param>
/// <param name="Provenance">How it was produced.</param>
public sealed record SynthesizedExample(Example Example, ExampleProvenance Provenance)
{
    /// <summary>
    /// The example with the provenance stored in <see cref="Data.Example.Extra"/> under
    /// <see cref="ExampleProvenance.ExtraKey"/>, so that the JSONL writer keeps it.
    /// </summary>
    public Example ToExample()
    {
        var extra = Example.Extra is null
            ? new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(Example.Extra, StringComparer.Ordinal);
        extra[ExampleProvenance.ExtraKey] = Provenance.ToJson();
        return Example with { Extra = extra };
    }
}
