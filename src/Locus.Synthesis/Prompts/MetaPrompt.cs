using System.Text;
using Locus.Data;
using Microsoft.Extensions.AI;

namespace Locus.Synthesis;

/// <summary>The content of one synthesis prompt.</summary>
/// <param name="Schema">The labels and their descriptions.</param>
/// <param name="Seeds">The seed examples shown as the annotation standard.</param>
/// <param name="Context">Real sentences retrieved from a corpus, shown for style and topics; may be empty.</param>
/// <param name="Count">How many examples to ask for.</param>
/// <param name="FocusLabel">A label to emphasise in this request, or null.</param>
/// <param name="DomainConstraints">Free-text domain constraints, or null.</param>
internal sealed record PromptInputs(
    LabelSchema Schema,
    IReadOnlyList<Example> Seeds,
    IReadOnlyList<string> Context,
    int Count,
    string? FocusLabel,
    string? DomainConstraints);

/// <summary>
/// Builds the seed meta-prompt of the paper: the label schema with descriptions, the domain constraints, the seed
/// examples, retrieved real sentences as context, a request for diverse, "multifactorial, including outliers"
/// examples, and a strict JSON output format.
/// </summary>
internal static class MetaPrompt
{
    public static IReadOnlyList<ChatMessage> Build(ISynthesisTaskFormat format, PromptInputs inputs)
    {
        var system = "You write realistic, correctly annotated training data for language models. "
            + "You follow the annotation standard shown by the seed examples exactly, and you answer with JSON only.";

        var user = new StringBuilder();
        user.AppendLine(format.TaskDescription).AppendLine();
        user.AppendLine("Labels:");
        foreach (var label in inputs.Schema.Labels)
            user.AppendLine(string.IsNullOrWhiteSpace(label.Description) ? $"- {label.Name}" : $"- {label.Name}: {label.Description.Trim()}");
        if (!string.IsNullOrWhiteSpace(inputs.DomainConstraints))
            user.AppendLine().AppendLine("Domain constraints:").AppendLine(inputs.DomainConstraints.Trim());

        user.AppendLine().AppendLine("Seed examples (the annotation standard to follow; do not repeat them):");
        foreach (var seed in inputs.Seeds) user.AppendLine(format.FormatSeed(seed));

        if (inputs.Context.Count > 0)
        {
            user.AppendLine().AppendLine("Real texts from the target domain (use their style, vocabulary and topics; do not copy them):");
            foreach (var sentence in inputs.Context) user.AppendLine("- " + OneLine(sentence));
        }

        user.AppendLine().Append($"Generate {inputs.Count} new examples. Make them diverse and multifactorial, including outliers: ")
            .Append("vary length, sentence structure, register, topic and the number and position of labelled items, ")
            .AppendLine("and include rare or unusual but valid cases. Every example must differ from the seeds and from the real texts above.");
        if (inputs.FocusLabel is not null) user.AppendLine(format.FocusInstruction(inputs.FocusLabel));

        user.AppendLine().Append(format.OutputInstructions.TrimEnd()).AppendLine();
        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user.ToString())];
    }

    // Retrieved sentences may contain line breaks that would blur the list.
    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
