using Locus.Models.Encoders;
using Locus.Training.Tasks;
using static TorchSharp.torch;

namespace Locus.Training.FineTuning;

/// <summary>
/// Fits the output layer of a classifier on the frozen encoder's features before fine-tuning: a
/// <see cref="LogisticRegression"/> over sentence vectors (text classification; softmax, or a sigmoid per label for
/// multi-label data) or over token vectors (NER; the tokens that carry a label). Fine-tuning then starts from the linear
/// probe instead of a random head, which with ~10 examples per label is what keeps the pretrained encoder's knowledge
/// (a random head's first gradients wreck the encoder before the head is any good).
/// </summary>
public static class LinearHeadFit
{
    /// <summary>Regularisation strength as scikit-learn's <c>C</c> (inverse; its default 1.0).</summary>
    public const double InverseRegularisation = 1.0;

    /// <summary>Fits <paramref name="classifier"/>'s output layer on <paramref name="items"/>; returns the share of training decisions it gets right.</summary>
    public static double Fit<TItem>(ILinearHeadClassifier classifier, IReadOnlyList<TItem> items, Func<IReadOnlyList<TItem>, TaskBatch> collate, int batchSize,
        bool multiLabel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (items.Count == 0) return double.NaN;
        using var scope = NewDisposeScope();
        var (features, labels) = FeaturesOf(classifier, items, collate, batchSize, cancellationToken);
        var output = classifier.OutputLayer;
        var (weight, bias) = LogisticRegression.Fit(features, labels, output.weight!.shape[0], multiLabel, InverseRegularisation);
        using (no_grad())
        {
            output.weight!.copy_(weight);
            output.bias!.copy_(bias);
            var logits = features.matmul(weight.t()) + bias;
            return multiLabel
                ? logits.gt(0).to(ScalarType.Float32).eq(labels).to(ScalarType.Float32).mean().item<float>()
                : logits.argmax(1).eq(labels).to(ScalarType.Float32).mean().item<float>();
        }
    }

    // Features [N, H] and targets: one row per text, or per token that carries a label (padding, special and
    // continuation tokens, labelled TokenLabels.Ignore, are left out).
    static (Tensor Features, Tensor Labels) FeaturesOf<TItem>(ILinearHeadClassifier classifier, IReadOnlyList<TItem> items,
        Func<IReadOnlyList<TItem>, TaskBatch> collate, int batchSize, CancellationToken cancellationToken)
    {
        var module = (nn.Module)classifier;
        var wasTraining = module.training;
        module.eval();
        var features = new List<Tensor>();
        var labels = new List<Tensor>();
        using (no_grad())
        {
            for (var start = 0; start < items.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batch = collate(items.Skip(start).Take(batchSize).ToList());
                var batchFeatures = classifier.Features(batch.ToEncoderInput()).to(ScalarType.Float32);
                var batchLabels = batch.Labels!;
                if (batchFeatures.dim() == 3)
                {
                    var flat = batchLabels.reshape(-1);
                    var keep = flat.ne(TokenLabels.Ignore);
                    features.Add(batchFeatures.reshape(-1, batchFeatures.shape[^1])[keep]);
                    labels.Add(flat[keep]);
                }
                else
                {
                    features.Add(batchFeatures);
                    labels.Add(batchLabels.clone());
                }
            }
        }
        module.train(wasTraining);
        return (cat(features), cat(labels));
    }
}
