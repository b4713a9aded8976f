using TorchSharp;
using TorchSharp.Modules;

namespace Locus.Training.Trainer;

/// <summary>
/// The optimizer's side of the trained parameters: AdamW with two parameter groups (weights that decay, and biases and
/// LayerNorm weights that do not), and dropping their gradients between steps.
/// </summary>
public static class ParameterGroups
{
    /// <summary>Whether a parameter is exempt from weight decay (bias, LayerNorm/norm weights, embeddings' norms).</summary>
    public static bool IsNoDecay(string name) =>
        name.EndsWith(".bias", StringComparison.Ordinal) || name == "bias" ||
        name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal) ||
        name.Contains("norm.", StringComparison.Ordinal);

    /// <summary>Creates AdamW (betas 0.9/0.999, eps 1e-8) over the given parameters.</summary>
    public static AdamW CreateAdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, double learningRate, double weightDecay)
    {
        var list = parameters.ToList();
        var decay = list.Where(p => !IsNoDecay(p.Name)).Select(p => p.Parameter).ToList();
        var noDecay = list.Where(p => IsNoDecay(p.Name)).Select(p => p.Parameter).ToList();
        var groups = new List<AdamW.ParamGroup>();
        if (decay.Count > 0) groups.Add(new AdamW.ParamGroup(decay, new AdamW.Options { LearningRate = learningRate, weight_decay = weightDecay }));
        if (noDecay.Count > 0) groups.Add(new AdamW.ParamGroup(noDecay, new AdamW.Options { LearningRate = learningRate, weight_decay = 0 }));
        if (groups.Count == 0) throw new LocusException("nothing to train: no trainable parameters");
        return torch.optim.AdamW(groups, learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    /// <summary>
    /// Drops the gradients instead of zeroing them (PyTorch's <c>zero_grad(set_to_none=True)</c>, its default since
    /// 2.0): TorchSharp's <c>zero_grad()</c> keeps every gradient allocated through the next forward pass, one more copy
    /// of the trained weights at the memory peak (440 MB for full fine-tuning of BERT-base). The next backward pass
    /// allocates them afresh with the same values, and AdamW skips a parameter that got no gradient, as PyTorch does.
    /// </summary>
    public static void ClearGradients(IEnumerable<Parameter> parameters)
    {
        foreach (var parameter in parameters) parameter.grad = null;
        // Managed wrappers of the gradients (TorchSharp's optimiser reads them through such wrappers) keep them alive
        // until they are finalised, so a dropped gradient is only freed after a garbage collection: full fine-tuning of
        // MiniLM in specialize --full grew to 19 GB and was killed for memory until the collection ran here (then
        // 1.1-1.4 GB). A gen-0 collection of this small heap costs far less than a training step.
        GC.Collect(0);
        GC.WaitForPendingFinalizers();
    }
}
