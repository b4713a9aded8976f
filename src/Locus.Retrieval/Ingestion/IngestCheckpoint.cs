using System.Text.Json.Serialization;

namespace Locus.Retrieval.Ingestion;

/// <summary>
/// Where an ingestion run stands, written (atomically, after the index) to checkpoint.json in the index
/// directory. A run over the same inputs resumes after <see cref="LinesConsumed"/>.
/// </summary>
public sealed class IngestCheckpoint : IVersionedJson
{
    /// <summary>File name inside the index directory.</summary>
    public const string FileName = "checkpoint.json";

    /// <summary>The layout; files from before it (PascalCase members) are read.</summary>
    public static LocusFileFormat FileFormat { get; } = new("ingest-checkpoint", 1) { Legacy = LegacyLayout.DotNetNames };

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>Input files of the run, in reading order.</summary>
    public List<string> Inputs { get; set; } = [];

    /// <summary>Encoder model id of the run.</summary>
    public string ModelId { get; set; } = "";

    /// <summary>Input lines fully processed.</summary>
    public long LinesConsumed { get; set; }

    /// <summary>Index rows when the checkpoint was written.</summary>
    public int IndexCount { get; set; }

    /// <summary>Whether the run read all its inputs.</summary>
    public bool Completed { get; set; }

    /// <summary>Reads the checkpoint of <paramref name="directory"/>, or null when there is none.</summary>
    public static IngestCheckpoint? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? LocusJson.ReadFile<IngestCheckpoint>(path, FileFormat) : null;
    }

    /// <summary>
    /// Refuses an index whose ingestion has not finished: an interrupted <c>corpus ingest</c> leaves a checkpoint
    /// with <see cref="Completed"/> false, and searching such an index would silently see only part of the corpus.
    /// </summary>
    /// <exception cref="LocusException">The checkpoint says the ingestion did not finish; the message says how to finish it.</exception>
    public static void EnsureComplete(string directory)
    {
        if (Load(directory) is not { Completed: false } checkpoint) return;
        var inputs = checkpoint.Inputs.Count == 1 ? checkpoint.Inputs[0] : $"the same {checkpoint.Inputs.Count} inputs";
        throw new LocusException(
            $"{directory}: the index is incomplete (ingestion stopped after {checkpoint.LinesConsumed:N0} input lines, {checkpoint.IndexCount:N0} rows); "
            + $"finish it by running 'locus corpus ingest --index {directory} --in {inputs}' again (it resumes)");
    }

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save(string directory) => LocusJson.WriteFile(Path.Combine(directory, FileName), this, FileFormat);
}
