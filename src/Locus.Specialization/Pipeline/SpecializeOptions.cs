using Locus.Data;
using Locus.Retrieval.Embeddings;
using Locus.Synthesis;
using Locus.Training.FineTuning;

namespace Locus.Specialization.Pipeline;

/// <summary>Where synthetic training data comes from.</summary>
public enum SynthesisMode
{
    /// <summary>An LLM when an endpoint is configured, else the offline generators.</summary>
    Auto,

    /// <summary>An LLM through an OpenAI-compatible endpoint (an error when none is configured).</summary>
    Llm,

    /// <summary>Model-free generators: mention replacement for NER, EDA rewrites for classification.</summary>
    Offline,

    /// <summary>No synthetic data (self-training may still add pseudo-labelled sentences).</summary>
    None,
}

/// <summary>Settings of <see cref="SpecializationPipeline"/> (<c>locus specialize</c>).</summary>
public sealed class SpecializeOptions
{
    /// <summary>NER or text classification.</summary>
    public required DataTask Task { get; init; }

    /// <summary>The label schema (labels.json: labels, descriptions, domain constraints).</summary>
    public required string SchemaPath { get; init; }

    /// <summary>The labelled seed examples (about ten per label).</summary>
    public required string SeedsPath { get; init; }

    /// <summary>The base encoder: a Hugging Face model folder.</summary>
    public required string BaseModel { get; init; }

    /// <summary>Unlabelled corpus files or folders to ingest into the run's own index.</summary>
    public IReadOnlyList<string> Corpus { get; init; } = [];

    /// <summary>An index folder built by <c>locus corpus ingest</c>, used instead of ingesting <see cref="Corpus"/>.</summary>
    public string? IndexFolder { get; init; }

    /// <summary>
    /// The sentence encoder that indexes the corpus when no <see cref="IndexFolder"/> is given: by default the
    /// built-in all-MiniLM-L6-v2 (mean pooling); <see cref="EncoderSpec.Lexical"/> is the fast model-free option.
    /// </summary>
    public EncoderSpec RetrievalEncoder { get; init; } = EncoderSpec.BuiltinDefault();

    /// <summary>Labelled test data, scored at the end (never used for training or selection).</summary>
    public string? TestPath { get; init; }

    /// <summary>Fraction of the seeds held out (per label) as the dev set for early stopping and model selection.</summary>
    public double DevFraction { get; init; } = 0.2;

    /// <summary>Seed of every random choice in the pipeline.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Corpus sentences retrieved per training seed.</summary>
    public int NeighboursPerSeed { get; init; } = 32;

    /// <summary>Where synthetic data comes from.</summary>
    public SynthesisMode Synthesis { get; init; } = SynthesisMode.Auto;

    /// <summary>The LLM endpoint (used by <see cref="SynthesisMode.Llm"/> and <see cref="SynthesisMode.Auto"/>).</summary>
    public LlmEndpointOptions Llm { get; init; } = new();

    /// <summary>LLM synthesis rounds, requests and prompt sizes.</summary>
    public SynthesisOptions LlmSynthesis { get; init; } = new();

    /// <summary>Offline NER generator settings.</summary>
    public MentionReplacementOptions MentionReplacement { get; init; } = new();

    /// <summary>Offline classification generator settings.</summary>
    public EdaOptions Eda { get; init; } = new();

    /// <summary>Self-training rounds (0 turns self-training off).</summary>
    public int SelfTrainingRounds { get; init; } = 1;

    /// <summary>Pseudo-labelled sentences below this confidence are dropped; null: <see cref="EffectivePseudoLabelThreshold"/>.</summary>
    public double? PseudoLabelThreshold { get; init; }

    /// <summary>
    /// The confidence a pseudo-label needs: <see cref="PseudoLabelThreshold"/> when set, else 0.8 for NER spans and, for
    /// text classification with K labels, (1 + 1/K) / 2: halfway between chance and certainty, because a softmax over
    /// many labels rarely reaches 0.8 even when its top label is right.
    /// </summary>
    public double EffectivePseudoLabelThreshold(int labelCount) =>
        PseudoLabelThreshold ?? (Task == DataTask.Ner ? 0.8 : (1 + 1.0 / Math.Max(1, labelCount)) / 2);

    /// <summary>Most pseudo-labelled sentences kept per label and round; null: five times the most seeds of any label.</summary>
    public int? PseudoLabelsPerLabel { get; init; }

    /// <summary>
    /// Most non-seed examples per label in the final training set (balance); null: twenty times the most seeds of any
    /// label.
    /// </summary>
    public int? MaxGeneratedPerLabel { get; init; }

    /// <summary>
    /// After the dev seeds have chosen how many epochs to train, train the final model again on the training set plus the
    /// dev seeds for that many epochs of the same schedule (on by default: at ten seeds per label the 20 % held out are
    /// two examples per label that the model would otherwise never see). The dev score reported is the selection
    /// model's, whose weights never saw the dev seeds; its test score is kept too (<c>selection_test</c>). Skipped, and
    /// said so, when contrastive tuning or staged unfreezing also select on the dev seeds.
    /// </summary>
    public bool RefitOnAllSeeds { get; init; } = true;

    /// <summary>How the teacher (self-training) and final models are fine-tuned.</summary>
    public FineTuneOptions FineTune { get; init; } = new();
}
