using Locus.Data;
using Locus.Synthesis;
using Locus.Training.FineTuning;
using Locus.Training.Trainer;
using Microsoft.Extensions.Logging;

namespace Locus.Specialization.Steps;

/// <summary>What one self-training round did.</summary>
/// <param name="Round">The round (1-based).</param>
/// <param name="TeacherDevScore">The teacher's best dev score (entity F1 or accuracy).</param>
/// <param name="Candidates">Corpus sentences the teacher labelled.</param>
/// <param name="WithoutEntities">NER: sentences where the teacher found no entity (not used: an unlabelled sentence may hide missed entities).</param>
/// <param name="Kept">Pseudo-labelled sentences kept this round.</param>
/// <param name="BelowThreshold">Dropped for low confidence.</param>
/// <param name="OverCap">Dropped because their label had reached its cap.</param>
public sealed record SelfTrainingRound(int Round, double TeacherDevScore, int Candidates, int WithoutEntities, int Kept, int BelowThreshold, int OverCap);

/// <summary>
/// Self-training, the offline way to learn from the unlabelled corpus: a teacher fine-tuned on the seeds and the
/// synthetic data labels the retrieved sentences; the confident ones (per-label capped) join the training data; the
/// next round's teacher trains on them too.
/// </summary>
/// <param name="baseModel">The base encoder folder.</param>
/// <param name="labels">The schema's labels.</param>
/// <param name="fineTune">How teachers are fine-tuned.</param>
/// <param name="logger">Logger for the teachers' training.</param>
public sealed class SelfTraining(string baseModel, IReadOnlyList<string> labels, FineTuneOptions fineTune, ILogger logger)
{
    /// <summary>Confidence below which a pseudo-label is dropped.</summary>
    public double Threshold { get; init; } = 0.8;

    /// <summary>Most sentences kept per label and round.</summary>
    public int PerLabelCap { get; init; } = 50;

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds; teachers are written under <paramref name="teacherFolder"/>/round-N
    /// (an interrupted teacher resumes from its checkpoint).
    /// </summary>
    /// <returns>The kept pseudo-labelled examples of all rounds, and what each round did.</returns>
    public (IReadOnlyList<SynthesizedExample> Kept, IReadOnlyList<SelfTrainingRound> Rounds) Run(
        IReadOnlyList<SynthesizedExample> trainingData, IReadOnlyList<Example> dev, IReadOnlyList<RetrievedSentence> corpus, int rounds,
        IEnumerable<string> excludedTexts, string teacherFolder, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var kept = new List<SynthesizedExample>();
        var summaries = new List<SelfTrainingRound>();
        var excluded = excludedTexts.Concat(trainingData.Select(e => e.Example.Text)).ToList();
        for (var round = 1; round <= rounds; round++)
        {
            var labelled = kept.Select(k => TextKey.Of(k.Example.Text)).ToHashSet(StringComparer.Ordinal);
            var pending = corpus.Where(s => !labelled.Contains(TextKey.Of(s.Text))).ToList();
            var train = trainingData.Concat(kept).Select(e => e.Example).ToList();
            using var teacher = new FineTuner(logger).Train(baseModel, train, dev, labels, fineTune, Path.Combine(teacherFolder, $"round-{round}"),
                out var result, progress, cancellationToken);
            var (candidates, withoutEntities) = Label(teacher, pending, cancellationToken);
            var selection = PseudoLabelSelector.Select(candidates,
                new PseudoLabelOptions { Threshold = Threshold, MaxPerLabel = PerLabelCap, Generator = $"self-training:round-{round}" },
                excluded.Concat(kept.Select(k => k.Example.Text)));
            kept.AddRange(selection.Kept.Select(k => k with { Provenance = k.Provenance with { Round = round } }));
            summaries.Add(new SelfTrainingRound(round, result.Phases[^1].BestDevMetric, pending.Count, withoutEntities, selection.Kept.Count,
                selection.BelowThreshold, selection.OverCap));
        }
        return (kept, summaries);
    }

    private static (List<PseudoLabelledCandidate> Candidates, int WithoutEntities) Label(TrainedModel teacher, IReadOnlyList<RetrievedSentence> sentences,
        CancellationToken cancellationToken)
    {
        var texts = sentences.Select(s => s.Text).ToList();
        string Id(int i) => $"{Path.GetFileName(sentences[i].Source)}:{sentences[i].Line}";
        var candidates = new List<PseudoLabelledCandidate>();
        if (!teacher.IsNer)
        {
            var predictions = teacher.TextPredictor().Predict(texts, cancellationToken);
            for (var i = 0; i < texts.Count; i++)
                candidates.Add(new PseudoLabelledCandidate(new ClassificationExample(texts[i], predictions[i].Labels) { Id = Id(i) }, predictions[i].Confidence));
            return (candidates, 0);
        }
        var spans = teacher.NerPredictor().Predict(texts, cancellationToken);
        var withoutEntities = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            if (spans[i].Count == 0)
            {
                withoutEntities++;
                continue;
            }
            // A sentence is as trustworthy as its least confident entity.
            var example = new NerExample(texts[i], spans[i].Select(s => new EntitySpan(s.Start, s.End, s.Label)).ToList()) { Id = Id(i) };
            candidates.Add(new PseudoLabelledCandidate(example, spans[i].Min(s => s.Confidence)));
        }
        return (candidates, withoutEntities);
    }
}
