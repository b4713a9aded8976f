using Locus.Data;
using Locus.Specialization.Pipeline;
using Locus.Tests.Synthesis;
using Locus.Tests.TestSupport;
using Locus.Tests.Training;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;

namespace Locus.Tests.Specialization.Pipeline;

/// <summary>
/// A tiny NER specialisation task written to a temporary folder: a schema, 12 seeds (4 per label), an unlabelled
/// corpus of 40 sentences in the same style, a test set, and a tiny random BERT whose vocabulary covers them.
/// </summary>
internal sealed class PipelineFixture : IDisposable
{
    static readonly string[] People = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"];
    static readonly string[] Companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Cyberdyne", "Tyrell"];
    static readonly string[] Cities = ["Paris", "Berlin", "Rome", "Lisbon", "Madrid", "Vienna", "Prague", "Oslo", "Dublin", "Athens"];

    public TempDir Dir { get; } = new();
    public string Schema => Dir.File("labels.json");
    public string Seeds => Dir.File("seeds.jsonl");
    public string Corpus => Dir.File("corpus.txt");
    public string Test => Dir.File("test.jsonl");
    public string BaseModel { get; }
    public string RunsRoot => Dir.File("runs");

    public PipelineFixture()
    {
        LabelSchemaFile.SaveAsync(SynthesisFixtures.NerSchema, Schema).GetAwaiter().GetResult();
        var seeds = Enumerable.Range(0, 12).Select(Sentence).ToList();
        var test = Enumerable.Range(20, 6).Select(Sentence).ToList();
        var corpus = Enumerable.Range(40, 40).Select(i => Sentence(i).Text).ToList();
        Write(Seeds, seeds);
        Write(Test, test);
        File.WriteAllLines(Corpus, corpus);
        BaseModel = FineTunerTests.BaseModel(Dir, seeds.Concat(test).Select(e => e.Text).Concat(corpus));
    }

    /// <summary>Sentence i: one of three templates with a person, a company and/or a city.</summary>
    public static NerExample Sentence(int i)
    {
        var (person, company, city) = (People[i % 10], Companies[(i * 3 + 1) % 10], Cities[(i * 7 + 2) % 10]);
        return (i % 3) switch
        {
            0 => SynthesisFixtures.Ner($"{person} works for {company} in {city} .", (person, "PER"), (company, "ORG"), (city, "LOC")),
            1 => SynthesisFixtures.Ner($"{person} moved to {city} last year .", (person, "PER"), (city, "LOC")),
            _ => SynthesisFixtures.Ner($"{company} opened an office in {city} .", (company, "ORG"), (city, "LOC")),
        };
    }

    /// <summary>Options for a quick run: three LoRA epochs, offline synthesis, one self-training round.</summary>
    public SpecializeOptions Options(SynthesisMode synthesis = SynthesisMode.Offline, Action<FineTuneOptions>? tweak = null)
    {
        var fineTune = new FineTuneOptions
        {
            Task = DataTask.Ner, LoraRank = 4, LoraAlpha = 8, LoraDropout = 0, MaxLength = 32, Stride = 8,
            Training = new TrainerOptions { Epochs = 3, LearningRate = 1e-2, BatchSize = 8, Patience = 0, Seed = 5, WeightDecay = 0 },
        };
        tweak?.Invoke(fineTune);
        return new SpecializeOptions
        {
            Task = DataTask.Ner, SchemaPath = Schema, SeedsPath = Seeds, BaseModel = BaseModel, Corpus = [Corpus], TestPath = Test,
            Synthesis = synthesis, NeighboursPerSeed = 8, PseudoLabelThreshold = 0, FineTune = fineTune,
        };
    }

    static void Write(string path, IEnumerable<Example> examples) => File.WriteAllLines(path, examples.Select(JsonlWriter.ToLine));

    public void Dispose() => Dir.Dispose();
}
