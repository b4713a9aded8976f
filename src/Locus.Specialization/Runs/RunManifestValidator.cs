using System.Text.RegularExpressions;

namespace Locus.Specialization.Runs;

/// <summary>Checks what JSON deserialisation cannot: value ranges, hash formats and unique stage names.</summary>
internal static partial class RunManifestValidator
{
    public static void Validate(RunManifest manifest, string path)
    {
        if (!IdHex().IsMatch(manifest.Id))
            Fail(path, "id", $"'{manifest.Id}' is not a run id (32 hex digits)");
        if (RunNames.Problem(manifest.Name) is { } nameProblem) Fail(path, "name", nameProblem);
        if (manifest.Version < 1) Fail(path, "version", $"{manifest.Version} is not a version number (1 or more)");
        if (!Enum.IsDefined(manifest.Task)) Fail(path, "task", $"{manifest.Task} is not a task");

        CheckFiles(path, "inputs", manifest.Inputs);
        foreach (var (kind, file) in manifest.Artefacts) CheckFile(path, $"artefacts.{kind}", file);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < manifest.Stages.Count; i++)
        {
            var stage = manifest.Stages[i];
            if (string.IsNullOrWhiteSpace(stage.Name)) Fail(path, $"stages[{i}].name", "a stage needs a name");
            if (!seen.Add(stage.Name)) Fail(path, $"stages[{i}].name", $"stage '{stage.Name}' appears twice");
            CheckFiles(path, $"stages[{i}].inputs", stage.Inputs);
            CheckFiles(path, $"stages[{i}].outputs", stage.Outputs);
        }
    }

    private static void CheckFiles(string path, string field, List<RunFile> files)
    {
        for (var i = 0; i < files.Count; i++) CheckFile(path, $"{field}[{i}]", files[i]);
    }

    private static void CheckFile(string path, string field, RunFile file)
    {
        if (string.IsNullOrEmpty(file.Path)) Fail(path, $"{field}.path", "empty path");
        if (!Sha256Hex().IsMatch(file.Sha256)) Fail(path, $"{field}.sha256", $"'{file.Sha256}' is not a SHA-256 (64 lower-case hex digits)");
        if (file.Bytes < 0) Fail(path, $"{field}.bytes", $"negative size {file.Bytes}");
    }

    private static void Fail(string path, string field, string problem) => throw new DataFormatException(path, 0, field, problem);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdHex();
}
