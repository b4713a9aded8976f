using System.CommandLine;
using System.Text.Json;
using Locus.Cli.Commands.Training;
using Locus.Models.Builtin;
using Locus.Retrieval.Embeddings;
using Locus.Specialization.Pipeline;
using Locus.Specialization.Runs;
using Locus.Synthesis;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus specialize</c>: the LOCUS pipeline from ~10 examples per label to an evaluated model, recorded as a
/// versioned run (retrieve, synthesise, self-train, combine, fine-tune, evaluate); rerunning an interrupted run resumes it.
/// </summary>
public static class SpecializeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "ner or classification.", Required = true };
        var schema = new Option<string>("--schema") { Description = "Label schema (labels.json with labels and descriptions).", Required = true };
        var seeds = new Option<string>("--seeds") { Description = "Labelled seed examples, about 10 per label (JSONL, CoNLL or CSV).", Required = true };
        var corpus = new Option<string[]>("--corpus") { Description = "Unlabelled corpus files or folders to retrieve similar sentences from.", AllowMultipleArgumentsPerToken = true };
        var index = new Option<string?>("--index") { Description = "An index folder built by 'locus corpus ingest', instead of --corpus." };
        var baseModel = new Option<string>("--base") { Description = "Base encoder: builtin:NAME ('locus model list'), a Hugging Face folder or a hub id.", DefaultValueFactory = _ => BuiltinModels.DefaultReference };
        var retrievalEncoder = new Option<string>("--retrieval-encoder")
        {
            Description = "Sentence encoder that indexes --corpus: builtin:NAME, a model folder, or 'lexical' (model-free, fastest).",
            DefaultValueFactory = _ => BuiltinModels.DefaultReference,
        };
        var output = new Option<string>("--out") { Description = "The run: runs/NAME (versions accumulate under it as v1, v2, ...).", Required = true }.AsRunPath();
        var test = new Option<string?>("--test") { Description = "Labelled test data, scored at the end (never trained on)." };
        var devFraction = new Option<double>("--dev-fraction") { Description = "Share of the seeds held out (per label) for early stopping and model selection.", DefaultValueFactory = _ => 0.2 }.InRange(0, 0.9, exclusiveMin: true);
        var neighbours = new Option<int>("--neighbours") { Description = "Corpus sentences retrieved per training seed.", DefaultValueFactory = _ => 32 }.InRange(1, 10_000);
        var synthesis = new Option<SynthesisMode>("--synthesis") { Description = "Synthetic data: Auto (an LLM when LOCUS_LLM_ENDPOINT/MODEL are set, else Offline), Llm, Offline or None.", DefaultValueFactory = _ => SynthesisMode.Auto };
        var llmEndpoint = new Option<string?>("--llm-endpoint") { Description = "OpenAI-compatible endpoint (overrides LOCUS_LLM_ENDPOINT); the key is read from LOCUS_LLM_API_KEY or OPENAI_API_KEY only." };
        var llmModel = new Option<string?>("--llm-model") { Description = "LLM model name (overrides LOCUS_LLM_MODEL)." };
        var rounds = new Option<int>("--llm-rounds") { Description = "Retrieval-augmented LLM synthesis rounds.", DefaultValueFactory = _ => new SynthesisOptions().Rounds }.InRange(1, 100);
        var requestsPerRound = new Option<int>("--llm-requests-per-round")
        {
            Description = "Requests in each LLM synthesis round; 0 (default): max(4, LOCUS_LLM_MAX_CONCURRENCY). Fix it to keep cached answers when the concurrency changes.",
            DefaultValueFactory = _ => 0,
        }.InRange(0, null);
        var selfTraining = new Option<int>("--self-training-rounds") { Description = "Rounds of pseudo-labelling retrieved sentences with a teacher model (0: off).", DefaultValueFactory = _ => 1 }.InRange(0, 100);
        var threshold = new Option<double?>("--pseudo-threshold") { Description = "Confidence a pseudo-label needs to be kept (default: 0.8 for NER; halfway between chance and certainty, (1 + 1/K) / 2, for K labels)." }.InRange(0, 1);
        var maxGenerated = new Option<int?>("--max-generated-per-label") { Description = "Most non-seed training examples per label (default: 20 x the most seeds of any label)." }.InRange(0, null);
        var noRefit = new Option<bool>("--no-refit") { Description = "Ship the model that chose the epoch count (trained without the dev seeds) instead of training it again on all the seeds." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var fineTune = new FineTuneCommandOptions();

        var command = new Command("specialize", "Specialise an encoder from a few examples per label: retrieve, synthesise, self-train, fine-tune and evaluate, as a resumable versioned run.");
        foreach (var option in new Option[] { task, schema, seeds, corpus, index, baseModel, retrievalEncoder, output, test, devFraction, neighbours, synthesis, llmEndpoint, llmModel, rounds, requestsPerRound, selfTraining, threshold, maxGenerated, noRefit })
            command.Options.Add(option);
        fineTune.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var dataTask = CommandInputs.ParseTask(parse.GetValue(task)!);
            var llm = LlmEndpointOptions.FromEnvironment();
            if (parse.GetValue(llmEndpoint) is { } endpoint)
            {
                // System.CommandLine has no Uri parser: an Option<Uri> failed with a stack trace on every value.
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    throw new LocusException($"--llm-endpoint: '{endpoint}' is not an http(s) URL (e.g. http://localhost:11434/v1).");
                llm.Endpoint = uri;
            }
            if (parse.GetValue(llmModel) is { } model) llm.Model = model;
            var options = new SpecializeOptions
            {
                Task = dataTask, SchemaPath = parse.GetValue(schema)!, SeedsPath = parse.GetValue(seeds)!,
                BaseModel = await CommandInputs.ResolveModelAsync(parse.GetValue(baseModel)!, cancellationToken),
                Corpus = parse.GetValue(corpus) ?? [], IndexFolder = parse.GetValue(index), TestPath = parse.GetValue(test),
                RetrievalEncoder = RetrievalEncoder(parse.GetValue(retrievalEncoder)!),
                DevFraction = parse.GetValue(devFraction), Seed = parse.GetValue(fineTune.Seed), NeighboursPerSeed = parse.GetValue(neighbours),
                Synthesis = parse.GetValue(synthesis), Llm = llm, LlmSynthesis = new SynthesisOptions
                {
                    Rounds = parse.GetValue(rounds), RequestsPerRound = parse.GetValue(requestsPerRound) is > 0 and var perRound ? perRound : null,
                },
                SelfTrainingRounds = parse.GetValue(selfTraining), PseudoLabelThreshold = parse.GetValue(threshold),
                MaxGeneratedPerLabel = parse.GetValue(maxGenerated), RefitOnAllSeeds = !parse.GetValue(noRefit), FineTune = fineTune.Build(parse, dataTask),
            };
            var (root, name) = RunOutPath.Split(parse.GetValue(output)!);
            var pipeline = new SpecializationPipeline(new RunStore(root), CliLogging.Logger);
            // Training progress is printed under the stage that trains: the teacher's under [self-train], the student's under [train].
            var stage = "train";
            var result = await pipeline.RunAsync(name, options,
                new SynchronousProgress<SpecializeProgress>(p =>
                {
                    stage = p.Stage;
                    console.Error.WriteLine($"[{p.Stage}] {p.Message}");
                }),
                new TrainingProgressPrinter(console.Error, () => stage), cancellationToken);

            if (parse.GetValue(json))
            {
                console.Output.WriteLine(LocusJson.Serialize(new
                {
                    run = result.Run.ToString(), folder = result.Run.Folder, model = result.ModelFolder, metrics = result.Metrics,
                    resumed = result.Resumed, reused_stages = result.ReusedStages,
                }));
                return LocusCli.Ok;
            }
            console.Output.WriteLine($"run {result.Run} completed{(result.Resumed ? $" (resumed; reused: {string.Join(", ", result.ReusedStages)})" : "")}");
            foreach (var (split, scores) in result.Metrics)
            {
                var what = split == "selection_test" ? "test  before the refit on all seeds:" : split;
                console.Output.WriteLine($"  {what,-5} {(scores!["f1"] is { } f1 ? $"entity micro-F1 {f1.GetValue<double>():F4}" : $"accuracy {scores["accuracy"]!.GetValue<double>():F4}")} on {scores["examples"]} examples");
            }
            console.Output.WriteLine($"  model  {result.ModelFolder}");
            console.Output.WriteLine($"  record {Path.Combine(result.Run.Folder, RunStore.ManifestFileName)}");
            return LocusCli.Ok;
        });
        return command;
    }

    static EncoderSpec RetrievalEncoder(string value) =>
        value == EncoderSpec.Lexical ? new EncoderSpec { Name = EncoderSpec.Lexical } : EncoderSpec.ForModel(value, "--retrieval-encoder");
}
