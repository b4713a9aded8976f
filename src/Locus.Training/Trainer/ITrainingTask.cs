using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Trainer;

/// <summary>
/// What the <see cref="Trainer"/> needs from a task: batches, a loss, a dev metric and the parameters to train.
/// Token classification, sequence classification and masked-language modelling each implement it.
/// </summary>
public interface ITrainingTask
{
    /// <summary>Number of training batches in one epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The trainable parameters with their names (names decide weight decay).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <summary>The model being trained, which <see cref="TrainerOptions.Bf16"/> needs; null when the task does not expose it.</summary>
    nn.Module? Model => null;

    /// <summary>Switches dropout on (training) or off (evaluation) everywhere.</summary>
    void SetTrainingMode(bool training);

    /// <summary>The loss of training batch <paramref name="index"/> of the epoch's order, scalar and differentiable.</summary>
    Tensor Loss(int index);

    /// <summary>
    /// Draws the batch order of an epoch from <paramref name="random"/> alone (not from earlier orders), so a resumed
    /// run sees the same batches; called once per epoch with a generator seeded by the epoch.
    /// </summary>
    void ShuffleBatches(Random random);

    /// <summary>The dev metric to maximise (e.g. entity F1, accuracy, negative MLM loss), in evaluation mode.</summary>
    double EvaluateDev(CancellationToken cancellationToken);
}
