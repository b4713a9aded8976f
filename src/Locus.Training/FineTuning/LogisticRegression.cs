using static TorchSharp.torch;

namespace Locus.Training.FineTuning;

/// <summary>
/// L2-regularised logistic regression on fixed features, full-batch from zero weights (deterministic): softmax over
/// classes, or a sigmoid per label for multi-label targets. The penalty is scikit-learn's (‖W‖² / 2C, C = 1, with the
/// loss summed over examples), so results are comparable with its <c>LogisticRegression()</c>.
/// </summary>
public static class LogisticRegression
{
    /// <summary>Fits weights [C, H] and bias [C] on <paramref name="features"/> [N, H]; <paramref name="targets"/> are class indices [N] or multi-hot [N, C].</summary>
    public static (Tensor Weight, Tensor Bias) Fit(Tensor features, Tensor targets, long classes, bool multiLabel, double inverseRegularisation = 1.0, int steps = 300)
    {
        using var scope = NewDisposeScope();
        var weight = new TorchSharp.Modules.Parameter(zeros(classes, features.shape[1]));
        var bias = new TorchSharp.Modules.Parameter(zeros(classes));
        using var optimizer = optim.Adam([weight, bias], lr: 0.1);
        var penalty = 1.0 / (2 * inverseRegularisation * features.shape[0]);
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = features.matmul(weight.t()) + bias;                                      // [N, C]
            var loss = (multiLabel ? nn.functional.binary_cross_entropy_with_logits(logits, targets) : nn.functional.cross_entropy(logits, targets))
                + penalty * weight.pow(2).sum();
            loss.backward();
            optimizer.step();
        }
        return (weight.detach().clone().MoveToOuterDisposeScope(), bias.detach().clone().MoveToOuterDisposeScope());
    }
}
