using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Specialization.Runs;

/// <summary>
/// SHA-256 of files, folders and settings, read in a stream so large checkpoints never sit in memory.
/// A folder's hash is the SHA-256 of the lines <c>"{file sha256}  {relative/path}\n"</c> for each file below it,
/// sorted by path (ordinal), which is what
/// <c>find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum</c> prints in the folder
/// (for ASCII names). Empty folders do not count; renaming a file changes the hash.
/// </summary>
public static class ContentHash
{
    private const int BufferSize = 1 << 20;

    /// <summary>Hashes one file.</summary>
    public static async Task<RunFile> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var (sha256, bytes) = await HashFileAsync(path, cancellationToken);
        return new RunFile { Path = path, Sha256 = sha256, Bytes = bytes };
    }

    /// <summary>Hashes every file below a folder (recursively) into one hash; see the class remarks.</summary>
    public static async Task<RunFile> OfFolderAsync(string path, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(path);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        using var listing = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        foreach (var relative in files)
        {
            var (sha256, bytes) = await HashFileAsync(Path.Combine(root, relative), cancellationToken);
            listing.AppendData(Encoding.UTF8.GetBytes($"{sha256}  {relative}\n"));
            total += bytes;
        }
        return new RunFile { Path = path, Sha256 = Hex(listing.GetHashAndReset()), Bytes = total, Files = files.Count };
    }

    /// <summary>Hashes a file or a folder, whichever <paramref name="path"/> is.</summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    public static Task<RunFile> OfPathAsync(string path, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path)) return OfFolderAsync(path, cancellationToken);
        if (File.Exists(path)) return OfFileAsync(path, cancellationToken);
        throw new FileNotFoundException($"{path}: no such file or folder to hash", path);
    }

    /// <summary>
    /// Hashes JSON by value: object keys sorted (ordinal) at every level and no whitespace, so the same settings give
    /// the same hash whatever order they were written in. Suits <see cref="RunStage.Fingerprint"/>.
    /// </summary>
    public static string OfJson(JsonNode? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) WriteCanonical(writer, value);
        return Hex(SHA256.HashData(stream.ToArray()));
    }

    private static async Task<(string Sha256, long Bytes)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return (Hex(hash), stream.Length);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, item) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, item);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
