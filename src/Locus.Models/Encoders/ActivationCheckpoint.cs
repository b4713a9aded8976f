using TorchSharp;
using static TorchSharp.torch;

namespace Locus.Models.Encoders;

/// <summary>A module whose layer stack can run with activation (gradient) checkpointing.</summary>
public interface IGradientCheckpointing
{
    /// <summary>
    /// While training with autograd on, run each layer without keeping its intermediate activations (only its input)
    /// and recompute the layer's forward in the backward pass: less memory, about one more forward per step.
    /// </summary>
    bool GradientCheckpointing { get; set; }
}

/// <summary>
/// Activation checkpointing (PyTorch's reentrant <c>torch.utils.checkpoint</c>): <see cref="Run"/> computes a layer
/// under no_grad, saving only its inputs and the CPU generator state; the backward restores that generator state (so
/// dropout draws the same masks), recomputes the layer with autograd on and back-propagates the incoming gradient
/// through it, which accumulates the layer's parameter gradients and yields the inputs' gradients.
/// </summary>
public static class ActivationCheckpoint
{
    /// <summary>
    /// Turns checkpointing on for every <see cref="IGradientCheckpointing"/> module of <paramref name="model"/>; disposing
    /// the result restores the previous settings. <see cref="Enabled.Modules"/> counts the modules switched.
    /// </summary>
    public static Enabled Enable(nn.Module model)
    {
        var switched = new List<(IGradientCheckpointing Module, bool Was)>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not IGradientCheckpointing target) continue;
            switched.Add((target, target.GradientCheckpointing));
            target.GradientCheckpointing = true;
        }
        if (model is IGradientCheckpointing self && !switched.Any(s => ReferenceEquals(s.Module, self)))
        {
            switched.Add((self, self.GradientCheckpointing));
            self.GradientCheckpointing = true;
        }
        return new Enabled(switched);
    }

    /// <summary>The modules <see cref="Enable"/> switched on; disposing switches them back.</summary>
    public sealed class Enabled : IDisposable
    {
        readonly List<(IGradientCheckpointing Module, bool Was)> switched;

        internal Enabled(List<(IGradientCheckpointing Module, bool Was)> switched) => this.switched = switched;

        /// <summary>How many modules were switched on.</summary>
        public int Modules => switched.Count;

        /// <inheritdoc/>
        public void Dispose()
        {
            foreach (var (module, was) in switched) module.GradientCheckpointing = was;
            switched.Clear();
        }
    }

    /// <summary>Whether a layer stack with the flag <paramref name="enabled"/> checkpoints now: in training, with autograd on.</summary>
    public static bool Applies(bool enabled, bool training) => enabled && training && is_grad_enabled();

    /// <summary>
    /// <paramref name="layer"/>(<paramref name="inputs"/>) with its activations recomputed in the backward pass.
    /// <paramref name="inputs"/>[0] is the hidden state; the others may be null (passed to the layer as null).
    /// When no input needs a gradient (the first layer over frozen embeddings) the hidden state is given one, so that
    /// the backward reaches the layer: its trainable weights may be anywhere (LoRA adapters hang on hooks, outside it).
    /// The result belongs to the caller's dispose scope; <paramref name="layer"/> must give a new tensor.
    /// </summary>
    public static Tensor Run(Func<Tensor?[], Tensor> layer, params Tensor?[] inputs)
    {
        Tensor? lifted = null;
        try
        {
            if (!inputs.Any(t => t is not null && t.requires_grad))
            {
                inputs = (Tensor?[])inputs.Clone();
                lifted = inputs[0]!.detach().requires_grad_(true);
                inputs[0] = lifted;
            }
            var vars = new object?[inputs.Length + 1];
            vars[0] = new State(layer, inputs.Length) { Lifted = lifted is not null };
            for (var i = 0; i < inputs.Length; i++) vars[i + 1] = inputs[i];
            return CheckpointFunction.apply(vars!);
        }
        finally
        {
            lifted?.Dispose();
        }
    }

    sealed class State(Func<Tensor?[], Tensor> layer, int inputs)
    {
        public Func<Tensor?[], Tensor> Layer { get; } = layer;
        public int Inputs { get; } = inputs;
        public bool[] Present { get; set; } = [];
        public bool Lifted { get; init; }
        public Tensor? RngState { get; set; }
    }

    // Gradients handed back to the autograd engine: the engine copies them when the backward returns, so their managed
    // handles are released at the next backward (they must outlive the return, and no dispose scope may take them).
    static readonly List<Tensor> handedBack = [];

    static void ReleaseHandedBack()
    {
        lock (handedBack)
        {
            foreach (var t in handedBack) t.Dispose();
            handedBack.Clear();
        }
    }

    sealed class CheckpointFunction : autograd.SingleTensorFunction<CheckpointFunction>
    {
        public override string Name => "ActivationCheckpoint";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var state = (State)vars[0];
            var inputs = new Tensor?[state.Inputs];
            for (var i = 0; i < inputs.Length; i++) inputs[i] = vars[i + 1] as Tensor;
            state.Present = inputs.Select(t => t is not null).ToArray();
            state.RngState = torch.get_rng_state().DetachFromDisposeScope();
            ctx.save_for_backward(inputs.Where(t => t is not null).Select(t => t!).ToList());
            ctx.save_data("state", state);
            // apply runs this under no_grad: nothing inside the layer is kept for autograd.
            using var scope = NewDisposeScope();
            return state.Layer(inputs).MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            ReleaseHandedBack();
            var state = (State)ctx.get_data("state");
            var grads = new List<Tensor>(state.Inputs + 1) { null! };
            using (var scope = NewDisposeScope())
            {
                var saved = ctx.get_saved_variables();
                var inputs = new Tensor?[state.Inputs];
                var detached = new Tensor?[state.Inputs];
                for (int i = 0, s = 0; i < inputs.Length; i++)
                {
                    if (!state.Present[i]) continue;
                    var original = saved[s++];
                    var copy = original.detach();
                    // A lifted hidden state only carried the backward here: its own gradient is not needed.
                    if (original.requires_grad && !(i == 0 && state.Lifted)) copy.requires_grad_(true);
                    detached[i] = copy.requires_grad ? copy : null;
                    inputs[i] = copy;
                }
                var current = torch.get_rng_state();
                torch.set_rng_state(state.RngState!);
                try
                {
                    using var grad = enable_grad();
                    var output = state.Layer(inputs);
                    if (output.requires_grad) output.backward([gradOutput]);
                }
                finally
                {
                    torch.set_rng_state(current);
                }
                foreach (var d in detached)
                {
                    var g = d?.grad;
                    if (g is not null)
                    {
                        g.DetachFromDisposeScope();
                        lock (handedBack) handedBack.Add(g);
                    }
                    grads.Add(g!);
                }
            }
            return grads;
        }
    }
}
