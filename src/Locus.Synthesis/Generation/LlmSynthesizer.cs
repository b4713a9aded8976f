using Locus.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Synthesis;

/// <summary>
/// LLM synthesis as the LOCUS paper describes it: a seed meta-prompt (labels, descriptions, domain constraints,
/// seeds, a strict JSON format) and iterative retrieval-augmented generation. There are
/// <see cref="SynthesisOptions.Rounds"/> rounds of <see cref="SynthesisOptions.RequestsPerRound"/> requests (by default
/// as many as the endpoint's concurrency); each request shows a deterministic sample of seeds and the real sentences
/// that the retriever finds for those seeds and for examples generated earlier. Rounds are pipelined, not sequential:
/// request i of round r depends only on requests i and i+1 (mod the requests per round) of round r-1, and uses what
/// those and, transitively, their own predecessors generated; it starts as soon as they are answered, so one slow
/// answer does not hold the other requests back and the configured concurrency stays in use. The dependency is fixed,
/// never the order in which answers arrive, so the same seed gives the same prompts (and cache hits on a rerun).
/// Answers are parsed strictly, every item is validated in (round, request, item) order, and what is not kept is
/// returned with the reason. With a cache folder, a rerun makes no calls.
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

    /// <summary>The answer to one request, with what it contributes to the retrieval queries of later rounds.</summary>
    private sealed record Answer(LlmResponse Response, IReadOnlyList<string> Context, IReadOnlyList<string> GeneratedTexts);

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
        var seedKeys = seeds.Select(s => TextKey.Of(s.Text)).ToHashSet(StringComparer.Ordinal);
        var rounds = _options.Rounds;
        var perRound = _options.RequestsPerRoundFor(_gateway.Options.MaxConcurrency);
        var requestsTotal = rounds * perRound;
        var requestsDone = 0;
        var provisionallyKept = 0;
        var progressLock = new object();

        // answers[r][i] is request i of round r+1; it waits for requests i and i+1 of the round before.
        var answers = new Task<Answer>[rounds][];
        for (var r = 0; r < rounds; r++)
        {
            answers[r] = new Task<Answer>[perRound];
            for (var i = 0; i < perRound; i++)
            {
                var (round, index) = (r + 1, i);
                answers[r][i] = AnswerAsync(round, index);
            }
        }

        async Task<Answer> AnswerAsync(int round, int index)
        {
            if (round > 1)
            {
                await answers[round - 2][index];
                await answers[round - 2][(index + 1) % perRound];
            }
            var (request, context) = await PrepareAsync(format, schema, seeds, seedKeys, GeneratedBefore(round, index), round, index, perRound, cancellationToken);
            var response = await _gateway.CompleteAsync(request, cancellationToken);
            var generated = UsableTexts(format, response.Text);
            lock (progressLock)
            {
                progress?.Report(new SynthesisProgress(round, rounds, ++requestsDone, requestsTotal, provisionallyKept));
                provisionallyKept += generated.Count;
            }
            return new Answer(response, context, generated);
        }

        // What request (round, index) may use as retrieval queries: the texts generated by the requests it depends on,
        // directly or through earlier rounds (round - k, index .. index + k), in round, request and item order.
        IReadOnlyList<string> GeneratedBefore(int round, int index)
        {
            var texts = new List<string>();
            var seen = new HashSet<string>(seedKeys, StringComparer.Ordinal);
            for (var earlier = 1; earlier < round; earlier++)
            {
                var distance = round - earlier;
                var lanes = Enumerable.Range(0, Math.Min(distance + 1, perRound)).Select(k => (index + k) % perRound).Order();
                foreach (var lane in lanes)
                    foreach (var text in answers[earlier - 1][lane].Result.GeneratedTexts)
                        if (seen.Add(TextKey.Of(text))) texts.Add(text);
            }
            return texts;
        }

        // Awaiting them all throws the failure of the earliest request (in round and request order) that failed.
        await Task.WhenAll(answers.SelectMany(a => a));

        var checker = new GeneratedExampleChecker(schema, seeds, SeedId);
        var runLedger = new UsageLedger(_gateway.Options.PromptPricePer1KTokens, _gateway.Options.CompletionPricePer1KTokens);
        var generator = $"llm:{_gateway.Options.Model}";
        var accepted = new List<SynthesizedExample>();
        var rejects = new List<RejectedSample>();
        var summaries = new List<SynthesisRoundSummary>();
        for (var round = 1; round <= rounds; round++)
        {
            var acceptedBefore = accepted.Count;
            var rejectedBefore = rejects.Count;
            var roundAnswers = answers[round - 1].Select(t => t.Result).ToList();
            for (var index = 0; index < roundAnswers.Count; index++)
            {
                runLedger.Add(roundAnswers[index].Response.Call);
                Collect(format, checker, roundAnswers[index].Response.Text, round, index, generator, accepted, rejects);
            }
            var retrieved = roundAnswers.SelectMany(a => a.Context).Select(TextKey.Of).Distinct(StringComparer.Ordinal).Count();
            summaries.Add(new SynthesisRoundSummary(round, roundAnswers.Count, retrieved, accepted.Count - acceptedBefore, rejects.Count - rejectedBefore));
            _logger.LogInformation("Synthesis round {Round}/{Rounds}: {Accepted} examples kept, {Rejected} rejected, {Retrieved} retrieved sentences as context",
                round, rounds, accepted.Count - acceptedBefore, rejects.Count - rejectedBefore, retrieved);
        }
        return new SynthesisResult(accepted, rejects, summaries, runLedger.Totals, runLedger.Calls);
    }

    /// <summary>Null when the answer has the expected shape (a JSON object with an examples array), else the problem.</summary>
    private static string? CheckAnswer(string answer) => LlmJsonOutput.TryReadExamples(answer, out var problem) is null ? problem : null;

    /// <summary>The texts of the answer's items that read as examples of the task (for later retrieval queries).</summary>
    private static IReadOnlyList<string> UsableTexts(ISynthesisTaskFormat format, string answer)
    {
        if (LlmJsonOutput.TryReadExamples(answer, out _) is not { } items) return [];
        return items.Select(item => format.Read(item, out _)).Where(e => e is not null && !string.IsNullOrWhiteSpace(e.Text)).Select(e => e!.Text).ToList();
    }

    private async Task<(LlmRequest Request, IReadOnlyList<string> Context)> PrepareAsync(ISynthesisTaskFormat format, LabelSchema schema,
        IReadOnlyList<Example> seeds, HashSet<string> seedKeys, IReadOnlyList<string> generatedSoFar, int round, int index, int perRound, CancellationToken cancellationToken)
    {
        var random = new Random(DeterministicSeed.Mix(_options.Seed, round, index));
        // The focus cycles through the labels across rounds, so every label gets it even with few requests per round.
        var focus = _options.RotateFocusLabel && schema.Labels.Count > 1
            ? schema.Labels[((round - 1) * perRound + index) % schema.Labels.Count].Name
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
        var request = new LlmRequest(messages, round, index)
        {
            OutputSchema = format.OutputSchema, Seed = DeterministicSeed.Mix(_options.Seed, round, index, 1), CheckAnswer = CheckAnswer,
        };
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
