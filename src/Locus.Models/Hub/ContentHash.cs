using System.Security.Cryptography;
using System.Text;

namespace Locus.Models.Hub;

/// <summary>
/// Checks downloaded content against its hub etag: a 64-hex etag is the sha256 of an LFS file, a 40-hex etag
/// is the git blob sha1 of a file kept in git (sha1 over <c>"blob {size}\0"</c> followed by the content).
/// </summary>
internal static class ContentHash
{
    /// <summary>The name of the hash the etag holds, or null when the etag is not a content hash this knows.</summary>
    public static string? AlgorithmOf(string etag) => etag.Length switch
    {
        64 when IsHex(etag) => "sha256",
        40 when IsHex(etag) => "git-sha1",
        _ => null,
    };

    /// <summary>Hashes the file the way <paramref name="etag"/> was computed; null when the etag is not a known hash.</summary>
    public static async Task<string?> ComputeAsync(string path, string etag, CancellationToken cancellationToken)
    {
        var algorithm = AlgorithmOf(etag);
        if (algorithm is null) return null;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        byte[] digest;
        if (algorithm == "sha256")
        {
            digest = await SHA256.HashDataAsync(stream, cancellationToken);
        }
        else
        {
            using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            sha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) sha1.AppendData(buffer, 0, read);
            digest = sha1.GetHashAndReset();
        }
        return Convert.ToHexStringLower(digest);
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigitLower);
}
