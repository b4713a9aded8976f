using Locus.Data;
using Locus.Evaluation;
using Locus.Models.Encoders;
using Locus.Training.Tasks;

namespace Locus.Training.FineTuning;

/// <summary>A classification of one text: the chosen labels and every label's probability.</summary>
public sealed record TextPrediction(IReadOnlyList<string> Labels, float Confidence, IReadOnlyList<float> Probabilities);

/// <summary>Predicts labels (single- or multi-label, with per-label thresholds) for any number of texts.</summary>
public sealed class TextClassifierPredictor(EncoderClassifier model, SequenceClassificationEncoder encoder, BatchCollator collator,
    IReadOnlyList<float>? thresholds = null, int batchSize = 32)
{
    readonly SequenceClassificationDecoder decoder = new(encoder.Labels, encoder.Options.MultiLabel);

    /// <summary>The labels of the model.</summary>
    public ClassLabelMap Labels => encoder.Labels;

    /// <summary>Whether each text may have several labels.</summary>
    public bool MultiLabel => encoder.Options.MultiLabel;

    /// <summary>Per-label probabilities of every text (long texts: mean over windows).</summary>
    public IReadOnlyList<float[]> Probabilities(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var encoded = texts.Select((t, i) => encoder.Encode(t, i)).ToList();
        var logits = new WindowLogits(encoded.Select(e => e.Items.Count));
        BatchedInference.Run(model, encoded.SelectMany(e => e.Items).ToList(), batchSize, collator.Collate, logits, cancellationToken);
        return encoded.Select((_, i) => decoder.Probabilities(logits.Of(i))).ToList();
    }

    /// <summary>Predicted labels of every text.</summary>
    public IReadOnlyList<TextPrediction> Predict(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Probabilities(texts, cancellationToken).Select(ToPrediction).ToList();

    TextPrediction ToPrediction(float[] probabilities)
    {
        if (!MultiLabel)
        {
            var (label, probability) = SequenceClassificationDecoder.PredictSingle(probabilities);
            return new TextPrediction([Labels.Labels[label]], probability, probabilities);
        }
        var chosen = SequenceClassificationDecoder.PredictMulti(probabilities, thresholds);
        var confidence = chosen.Length == 0 ? 1 - probabilities.Max() : chosen.Min(c => probabilities[c]);
        return new TextPrediction(chosen.Select(c => Labels.Labels[c]).ToList(), confidence, probabilities);
    }

    /// <summary>Accuracy, macro-F1 and per-label scores (or multi-label micro/macro-F1), confusion and calibration.</summary>
    public TextClassificationEvaluation Evaluate(IReadOnlyList<ClassificationExample> examples, CancellationToken cancellationToken = default)
    {
        var probabilities = Probabilities(examples.Select(e => e.Text).ToList(), cancellationToken);
        var predictions = probabilities.Select(ToPrediction).ToList();
        if (MultiLabel)
        {
            var multi = MultiLabelMetrics.Evaluate(examples.Select(e => (IReadOnlyCollection<string>)e.Labels).ToList(),
                predictions.Select(p => (IReadOnlyCollection<string>)p.Labels).ToList(), new ClassificationOptions { Labels = Labels.Labels });
            return new TextClassificationEvaluation(null, multi, null, predictions);
        }
        var gold = examples.Select(e => e.Label).ToList();
        var report = ClassificationMetrics.Evaluate(gold, predictions.Select(p => p.Labels[0]).ToList());
        var goldIds = gold.Select(g => Labels.TryIdOf(g) ?? -1).ToList();
        var known = Enumerable.Range(0, gold.Count).Where(i => goldIds[i] >= 0).ToList();
        var calibration = known.Count == 0 ? null
            : CalibrationMetrics.FromProbabilities(known.Select(i => (IReadOnlyList<float>)probabilities[i]).ToList(), known.Select(i => goldIds[i]).ToList());
        return new TextClassificationEvaluation(report, null, calibration, predictions);
    }
}

/// <summary>Text-classification evaluation: a single-label or a multi-label report, calibration and the predictions.</summary>
public sealed record TextClassificationEvaluation(
    ClassificationReport? Report, MultiLabelReport? MultiLabelReport, CalibrationReport? Calibration, IReadOnlyList<TextPrediction> Predictions);
