using Locus.Data;
using Locus.Specialization.Pipeline;
using Locus.Synthesis;
using Microsoft.Extensions.Logging;

namespace Locus.Specialization.Steps;

/// <summary>What the synthesis stage produced.</summary>
/// <param name="Mode">The mode that ran: llm, offline or none.</param>
/// <param name="Examples">Accepted examples with provenance.</param>
/// <param name="Rejects">Rejected LLM items with reasons (empty offline).</param>
/// <param name="Usage">LLM token usage and cost (null offline).</param>
public sealed record SynthesisOutcome(SynthesisMode Mode, IReadOnlyList<SynthesizedExample> Examples, IReadOnlyList<RejectedSample> Rejects, UsageTotals? Usage);

/// <summary>
/// The synthesis stage: LLM generation with retrieval-augmented prompts when an endpoint is configured (or required),
/// else the offline generators (mention replacement for NER, EDA rewrites for classification).
/// </summary>
public static class SynthesisStep
{
    /// <summary>The mode <paramref name="options"/> asks for, with <see cref="SynthesisMode.Auto"/> resolved.</summary>
    /// <exception cref="LocusException">LLM synthesis was asked for but no endpoint is configured.</exception>
    public static SynthesisMode Resolve(SpecializeOptions options) => options.Synthesis switch
    {
        SynthesisMode.Auto => options.Llm.IsConfigured ? SynthesisMode.Llm : SynthesisMode.Offline,
        SynthesisMode.Llm when !options.Llm.IsConfigured =>
            throw new LocusException("LLM synthesis needs an endpoint and a model: set LOCUS_LLM_ENDPOINT and LOCUS_LLM_MODEL (or OPENAI_API_KEY), or use --synthesis offline"),
        var mode => mode,
    };

    /// <summary>Runs the stage on the training seeds.</summary>
    /// <remarks><paramref name="llmCacheFolder"/>, when given, is the LLM response cache to use instead of <see cref="LlmEndpointOptions.CacheFolder"/> (which is left unchanged).</remarks>
    public static async Task<SynthesisOutcome> RunAsync(SpecializeOptions options, LabelSchema schema, IReadOnlyList<Example> seeds,
        ISimilarTextRetriever? retriever, IEnumerable<string> excludedTexts, IProgress<string>? progress, ILogger logger, CancellationToken cancellationToken,
        string? llmCacheFolder = null)
    {
        var mode = Resolve(options);
        switch (mode)
        {
            case SynthesisMode.Llm:
                var endpoint = options.Llm.Clone();
                endpoint.CacheFolder = llmCacheFolder ?? endpoint.CacheFolder;
                using (var gateway = LlmGateway.Create(endpoint, logger))
                {
                    var synthesizer = new LlmSynthesizer(gateway, options.LlmSynthesis, retriever, logger);
                    var result = await synthesizer.SynthesizeAsync(schema, seeds,
                        new Progress<SynthesisProgress>(p => progress?.Report($"round {p.Round}/{p.Rounds}: {p.RequestsDone}/{p.RequestsTotal} requests, {p.Accepted} kept")),
                        cancellationToken);
                    var excluded = excludedTexts.Select(TextKey.Of).ToHashSet(StringComparer.Ordinal);
                    var kept = result.Examples.Where(e => !excluded.Contains(TextKey.Of(e.Example.Text))).ToList();
                    return new SynthesisOutcome(mode, kept, result.Rejects, result.Usage);
                }
            case SynthesisMode.Offline:
                IReadOnlyList<SynthesizedExample> made = options.Task == DataTask.Ner
                    ? new MentionReplacementGenerator(options.MentionReplacement).Generate(seeds.Cast<NerExample>().ToList(), existingTexts: excludedTexts)
                    : new EdaAugmenter(options.Eda).Augment(seeds.Cast<ClassificationExample>().ToList(), excludedTexts);
                progress?.Report($"{made.Count} examples from the offline generator");
                return new SynthesisOutcome(mode, made, [], null);
            default:
                return new SynthesisOutcome(mode, [], [], null);
        }
    }
}
