using Locus.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Synthesis;

/// <summary>
/// LLM synthesis as the LOCUS paper describes it: a seed meta-prompt (labels, descriptions, domain constraints,
/// seeds, a strict JSON format) and iterative retrieval-augmented generation. Each of
/// <see cref="SynthesisOptions.Rounds"/> rounds sends <see cref="SynthesisOptions.RequestsPerRound"/> requests
/// concurrently; each request shows a deterministic sample of seeds and the real sentences that the retriever finds
/// for those seeds and for examples generated in earlier rounds. Answers are parsed strictly, every item is
/// validated, and what is not kept is returned with the reason. With a cache folder, a rerun makes no calls.
/// </summary>
public sealed class LlmSynthesizer
{
    private readonly LlmGateway _gateway;
    private readonly SynthesisOptions _options;
    private readonly ISimilarTextRetriever? _retriever;
    private readonly ILogger _logger;

    /// <summary>Creates a synthesiser; without a retriever the prompts carry no retrieved context.</summary>
    public LlmSynthesizer(LlmGateway gateway, SynthesisOptions? options = null, ISimilarTextRetriever? retriever = null, ILogger? logger = null)
    {
        _gateway = gateway;
        _options = options ?? new SynthesisOptions();
        _retriever = retriever;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Generates examples for <paramref name="schema"/> from <paramref name="seeds"/>.</summary>
    /// <exception cref="LocusException">No seeds, seeds of the wrong task, invalid options, or an endpoint failure that retries did not cure.</exception>
    public async Task<SynthesisResult> SynthesizeAsync(LabelSchema schema, IReadOnlyList<Example> seeds,
        IProgress<SynthesisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _options.Validate();
        if (seeds.Count == 0) throw new LocusException("LLM synthesis needs at least one seed example.");
        if (seeds.FirstOrDefault(s => s.Task != schema.Task) is { } wrong)
            throw new LocusException($"Seed '{wrong.Id ?? TextPreview(wrong.Text)}' is a {wrong.Task.ToName()} example but the schema is for {schema.Task.ToName()}.");

        ISynthesisTaskFormat format = schema.Task == DataTask.Ner
            ? new NerSynthesisFormat(schema)
            : new ClassificationSynthesisFormat(schema, seeds.Any(s => ((ClassificationExample)s).IsMultiLabel));
        string SeedId(int i) => SeedIds.Of(seeds[i], i);
        var checker = new GeneratedExampleChecker(schema, seeds, SeedId);
        var seedKeys = seeds.Select(s => TextKey.Of(s.Text)).ToHashSet(StringComparer.Ordinal);
        var runLedger = new UsageLedger(_gateway.Options.PromptPricePer1KTokens, _gateway.Options.CompletionPricePer1KTokens);
        var generator = $"llm:{_gateway.Options.Model}";
        var accepted = new List<SynthesizedExample>();
        var rejects = new List<RejectedSample>();
        var rounds = new List<SynthesisRoundSummary>();
        var requestsTotal = _options.Rounds * _options.RequestsPerRound;
        var requestsDone = 0;

        for (var round = 1; round <= _options.Rounds; round++)
        {
            var generatedSoFar = accepted.Select(e => e.Example.Text).ToList();
            var currentRound = round;
            var acceptedBefore = accepted.Count;
            var answers = await Task.WhenAll(Enumerable.Range(0, _options.RequestsPerRound).Select(async index =>
            {
                var (request, context) = await PrepareAsync(format, schema, seeds, seedKeys, generatedSoFar, currentRound, index, cancellationToken);
                var response = await _gateway.CompleteAsync(request, cancellationToken);
                progress?.Report(new SynthesisProgress(currentRound, _options.Rounds, Interlocked.Increment(ref requestsDone), requestsTotal, acceptedBefore));
                return (Response: response, Context: context);
            }));

            var rejectedBefore = rejects.Count;
            for (var index = 0; index < answers.Length; index++)
            {
                runLedger.Add(answers[index].Response.Call);
                Collect(format, checker, answers[index].Response.Text, round, index, generator, accepted, rejects);
            }
            var retrieved = answers.SelectMany(a => a.Context).Select(TextKey.Of).Distinct(StringComparer.Ordinal).Count();
            rounds.Add(new SynthesisRoundSummary(round, answers.Length, retrieved, accepted.Count - acceptedBefore, rejects.Count - rejectedBefore));
            _logger.LogInformation("Synthesis round {Round}/{Rounds}: {Accepted} examples kept, {Rejected} rejected, {Retrieved} retrieved sentences as context",
                round, _options.Rounds, accepted.Count - acceptedBefore, rejects.Count - rejectedBefore, retrieved);
        }
        return new SynthesisResult(accepted, rejects, rounds, runLedger.Totals, runLedger.Calls);
    }

    private async Task<(LlmRequest Request, IReadOnlyList<string> Context)> PrepareAsync(ISynthesisTaskFormat format, LabelSchema schema,
        IReadOnlyList<Example> seeds, HashSet<string> seedKeys, IReadOnlyList<string> generatedSoFar, int round, int index, CancellationToken cancellationToken)
    {
        var random = new Random(DeterministicSeed.Mix(_options.Seed, round, index));
        // The focus cycles through the labels across rounds, so every label gets it even with few requests per round.
        var focus = _options.RotateFocusLabel && schema.Labels.Count > 1
            ? schema.Labels[((round - 1) * _options.RequestsPerRound + index) % schema.Labels.Count].Name
            : null;
        var promptSeeds = DeterministicSeed.Shuffled(seeds, random)
            .OrderBy(s => focus is not null && format.LabelsOf(s).Contains(focus) ? 0 : 1)
            .Take(_options.MaxSeedsPerPrompt)
            .ToList();

        IReadOnlyList<string> context = [];
        if (_retriever is not null && _options.RetrievedPerRequest > 0)
        {
            var queries = promptSeeds.Select(s => s.Text)
                .Concat(DeterministicSeed.Shuffled(generatedSoFar, random).Take(_options.GeneratedQueriesPerRequest))
                .ToList();
            var found = await _retriever.RetrieveAsync(queries, _options.RetrievedPerRequest, cancellationToken);
            var seen = new HashSet<string>(seedKeys, StringComparer.Ordinal);
            context = found.Where(t => !string.IsNullOrWhiteSpace(t) && seen.Add(TextKey.Of(t))).Take(_options.RetrievedPerRequest).ToList();
        }

        var messages = MetaPrompt.Build(format, new PromptInputs(schema, promptSeeds, context, _options.ExamplesPerRequest, focus, _options.DomainConstraints));
        var request = new LlmRequest(messages, round, index) { OutputSchema = format.OutputSchema, Seed = DeterministicSeed.Mix(_options.Seed, round, index, 1) };
        return (request, context);
    }

    private static void Collect(ISynthesisTaskFormat format, GeneratedExampleChecker checker, string answer, int round, int index, string generator,
        List<SynthesizedExample> accepted, List<RejectedSample> rejects)
    {
        var items = LlmJsonOutput.TryReadExamples(answer, out var problem);
        if (items is null)
        {
            rejects.Add(new RejectedSample(round, index, null, $"answer rejected: {problem}", answer));
            return;
        }
        for (var item = 0; item < items.Count; item++)
        {
            var example = format.Read(items[item], out problem);
            var reason = example is null ? problem : checker.Check(example);
            if (reason is not null)
            {
                rejects.Add(new RejectedSample(round, index, item, reason, items[item].GetRawText()));
                continue;
            }
            accepted.Add(new SynthesizedExample(example! with { Id = $"llm-r{round}-q{index}-{item}" },
                new ExampleProvenance(ExampleSource.SyntheticLlm, generator, round)));
        }
    }

    private static string TextPreview(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
