using Locus.Data;
using Locus.Evaluation;
using Locus.Models.Encoders;
using Locus.Training.Tasks;

namespace Locus.Training.FineTuning;

/// <summary>Predicts entity spans (character offsets into the original text, with confidences) for any number of texts.</summary>
public sealed class NerPredictor(EncoderClassifier model, TokenClassificationEncoder encoder, BatchCollator collator, int batchSize = 32)
{
    readonly TokenClassificationDecoder decoder = new(encoder.Labels);

    /// <summary>The window encoder (tokenizer, labels, windows).</summary>
    internal TokenClassificationEncoder Encoder => encoder;

    /// <summary>The batch collator.</summary>
    internal BatchCollator Collator => collator;

    /// <summary>Decodes one text's window logits into spans.</summary>
    internal IReadOnlyList<ScoredEntitySpan> Decode(NerTextEncoding text, IReadOnlyList<ReadOnlyMemory<float>> windowLogits) => decoder.Decode(text, windowLogits);

    /// <summary>The label map (BIO tags) of the model.</summary>
    public BioLabelMap Labels => encoder.Labels;

    /// <summary>Predicts the spans of every text; long texts are windowed and their predictions merged.</summary>
    public IReadOnlyList<IReadOnlyList<ScoredEntitySpan>> Predict(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var encoded = texts.Select((t, i) => encoder.Encode(t, i)).ToList();
        var logits = new WindowLogits(encoded.Select(e => e.Items.Count));
        BatchedInference.Run(model, encoded.SelectMany(e => e.Items).ToList(), batchSize, collator.Collate, logits, cancellationToken);
        return encoded.Select((e, i) => decoder.Decode(e, logits.Of(i))).ToList();
    }

    /// <summary>Strict entity-level scores, per type and averaged, plus the calibration of span confidences.</summary>
    public NerEvaluation Evaluate(IReadOnlyList<NerExample> examples, CancellationToken cancellationToken = default)
    {
        var predicted = Predict(examples.Select(e => e.Text).ToList(), cancellationToken);
        var gold = examples.Select(e => (IReadOnlyCollection<Evaluation.EntitySpan>)e.Spans.Select(s => new Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList()).ToList();
        var spans = predicted.Select(p => (IReadOnlyCollection<Evaluation.EntitySpan>)p.Select(s => new Evaluation.EntitySpan(s.Start, s.End, s.Label)).ToList()).ToList();
        var report = EntityMetrics.EvaluateSpans(gold, spans, ZeroDivision.Zero);
        var (confidences, correct) = EntityMetrics.MatchScoredSpans(gold, predicted.Select(p => (IReadOnlyCollection<ScoredEntitySpan>)p).ToList());
        var calibration = confidences.Length == 0 ? null : CalibrationMetrics.Compute(confidences, correct);
        return new NerEvaluation(report, calibration, predicted);
    }
}

/// <summary>NER evaluation: entity scores, span-confidence calibration (null when nothing was predicted) and the predictions.</summary>
public sealed record NerEvaluation(EntityReport Report, CalibrationReport? Calibration, IReadOnlyList<IReadOnlyList<ScoredEntitySpan>> Predictions);
