using System.Text.Json;
using Locus.Data;

namespace Locus.Synthesis;

/// <summary>
/// What differs between NER and classification in LLM synthesis: the JSON output format (as a schema and as
/// prompt text), how a seed is shown in that format, and how one generated item is read back.
/// </summary>
internal interface ISynthesisTaskFormat
{
    /// <summary>The JSON schema of the whole answer, <c>{"examples": [...]}</c>.</summary>
    JsonElement OutputSchema { get; }

    /// <summary>A one-line description of the task for the prompt.</summary>
    string TaskDescription { get; }

    /// <summary>The prompt's description of the output format and its rules.</summary>
    string OutputInstructions { get; }

    /// <summary>The sentence asking the model to emphasise one label.</summary>
    string FocusInstruction(string label);

    /// <summary>The labels an example carries (for choosing seeds that show a focus label).</summary>
    IEnumerable<string> LabelsOf(Example example);

    /// <summary>A seed written as one item of the output format (compact JSON).</summary>
    string FormatSeed(Example example);

    /// <summary>Reads one generated item; returns the example, or null with the reason it is rejected.</summary>
    Example? Read(JsonElement item, out string? problem);
}
