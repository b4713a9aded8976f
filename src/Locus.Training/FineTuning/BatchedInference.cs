using Locus.Models.Encoders;
using Locus.Training.Tasks;
using static TorchSharp.torch;

namespace Locus.Training.FineTuning;

/// <summary>Runs a classifier over encoded windows in length-sorted batches (little padding), without gradients.</summary>
public static class BatchedInference
{
    /// <summary>Collects the logits of every window of <paramref name="items"/> into <paramref name="logits"/>.</summary>
    public static void Run<TItem>(EncoderClassifier model, IReadOnlyList<TItem> items, int batchSize,
        Func<IReadOnlyList<TItem>, TaskBatch> collate, WindowLogits logits, CancellationToken cancellationToken = default)
        where TItem : IEncodedItem
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var chunk in items.OrderBy(i => i.Window.Length).Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = collate(chunk);
                logits.Add(chunk, model.call(batch.ToEncoderInput()).Logits);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
