namespace Locus.Models.Hub;

/// <summary>Progress of one file's download.</summary>
/// <param name="FileName">The repository file, such as <c>model.safetensors</c>.</param>
/// <param name="BytesDone">Bytes on disk so far, including bytes kept from an earlier, interrupted download.</param>
/// <param name="TotalBytes">The file's size, when the hub said.</param>
public readonly record struct HubDownloadProgress(string FileName, long BytesDone, long? TotalBytes)
{
    /// <summary>True once every byte is on disk.</summary>
    public bool IsComplete => TotalBytes is { } total && BytesDone >= total;
}
