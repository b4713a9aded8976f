using Locus.Data;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Training.FineTuning;
using Locus.Training.Tasks;

namespace Locus.Training.Inference;

/// <summary>
/// The prediction path of <c>locus predict</c> for either task: encodes texts (long texts in overlapping windows),
/// runs the classifier in length-sorted batches, merges the windows and decodes <see cref="PredictionRecord"/>s.
/// Not thread-safe: one call at a time per classifier.
/// </summary>
public sealed class ModelPredictor
{
    readonly NerPredictor? ner;
    readonly TextClassifierPredictor? text;

    ModelPredictor(NerPredictor? ner, TextClassifierPredictor? text)
    {
        this.ner = ner;
        this.text = text;
    }

    /// <summary>The entity predictor of an NER model, else null.</summary>
    internal NerPredictor? NerPath => ner;

    /// <summary>Whether the model finds entities (else it classifies texts).</summary>
    public bool IsNer => ner is not null;

    /// <summary>A predictor for <paramref name="classifier"/> as described by <paramref name="manifest"/>.</summary>
    public static ModelPredictor For(EncoderClassifier classifier, ITextTokenizer tokenizer, TrainedModelManifest manifest, int batchSize = 32) =>
        manifest.Task == DataTask.Ner.ToName()
            ? new ModelPredictor(Ner(classifier, tokenizer, manifest, batchSize), null)
            : new ModelPredictor(null, Text(classifier, tokenizer, manifest, batchSize));

    /// <summary>An entity predictor for an NER classifier.</summary>
    public static NerPredictor Ner(EncoderClassifier classifier, ITextTokenizer tokenizer, TrainedModelManifest manifest, int batchSize = 32) =>
        new(classifier, new TokenClassificationEncoder(tokenizer, BioLabelMap.FromId2Label(manifest.Labels), new TokenClassificationOptions { Windows = Windows(manifest) }),
            BatchCollator.For(tokenizer), batchSize);

    /// <summary>A label predictor for a text classifier.</summary>
    public static TextClassifierPredictor Text(EncoderClassifier classifier, ITextTokenizer tokenizer, TrainedModelManifest manifest, int batchSize = 32) =>
        new(classifier, new SequenceClassificationEncoder(tokenizer, new ClassLabelMap(manifest.Labels), new SequenceClassificationOptions { Windows = Windows(manifest), MultiLabel = manifest.MultiLabel }),
            BatchCollator.For(tokenizer), manifest.Thresholds, batchSize);

    static WindowOptions Windows(TrainedModelManifest manifest) => new() { MaxLength = manifest.MaxLength, Stride = manifest.Stride };

    /// <summary>The record of an NER prediction: spans with their text and confidences rounded to 4 decimals.</summary>
    internal static PredictionRecord NerRecord(string text, IReadOnlyList<Locus.Evaluation.ScoredEntitySpan> spans) =>
        new(text, Spans: spans.Select(s => new PredictedSpan(s.Start, s.End, s.Label, text[s.Start..s.End], Math.Round(s.Confidence, 4))).ToList());

    /// <summary>One record per text, in order.</summary>
    public IReadOnlyList<PredictionRecord> Predict(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (ner is not null)
        {
            var spans = ner.Predict(texts, cancellationToken);
            return texts.Select((t, i) => NerRecord(t, spans[i])).ToList();
        }

        var predictions = text!.Predict(texts, cancellationToken);
        var labels = text.Labels.Labels;
        return texts.Select((t, i) =>
        {
            var p = predictions[i];
            var probabilities = new Dictionary<string, double>(labels.Count, StringComparer.Ordinal);
            for (var j = 0; j < labels.Count; j++) probabilities[labels[j]] = Math.Round(p.Probabilities[j], 4);
            return new PredictionRecord(t, Label: text.MultiLabel ? null : p.Labels[0], Labels: text.MultiLabel ? p.Labels : null,
                Confidence: Math.Round(p.Confidence, 4), Probabilities: probabilities);
        }).ToList();
    }
}
