using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Lora;

/// <summary>
/// The low-rank update of one linear layer: scaling · B(A(dropout(x))). A is initialised like nn.Linear
/// (Kaiming uniform), B with zeros, so the adapted model starts exactly at the base model.
/// </summary>
public sealed class LoraLayer : nn.Module<Tensor, Tensor>
{
    readonly Linear lora_A;
    readonly Linear lora_B;
    readonly Dropout lora_dropout;

    /// <summary>Creates the update for a layer mapping <paramref name="inFeatures"/> to <paramref name="outFeatures"/>.</summary>
    public LoraLayer(long inFeatures, long outFeatures, int rank, double scaling, double dropout) : base(nameof(LoraLayer))
    {
        lora_A = nn.Linear(inFeatures, rank, hasBias: false);
        lora_B = nn.Linear(rank, outFeatures, hasBias: false);
        lora_dropout = nn.Dropout(dropout);
        Scaling = scaling;
        using (no_grad()) lora_B.weight!.zero_();
        RegisterComponents();
    }

    /// <summary>The factor alpha/r (or alpha/√r with rsLoRA).</summary>
    public double Scaling { get; }

    /// <summary>A: [r, in].</summary>
    public Parameter A => lora_A.weight!;

    /// <summary>B: [out, r].</summary>
    public Parameter B => lora_B.weight!;

    /// <summary>The update to add to the base layer's output. x: [..., in] → [..., out].</summary>
    public override Tensor forward(Tensor x) => lora_B.forward(lora_A.forward(lora_dropout.forward(x))).mul(Scaling);

    /// <summary>The dense update scaling · B A, shaped like the base weight [out, in].</summary>
    public Tensor DeltaWeight() => B.matmul(A).mul(Scaling);
}
