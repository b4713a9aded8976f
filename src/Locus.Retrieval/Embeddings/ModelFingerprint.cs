using System.Security.Cryptography;
using System.Text;
using Locus.Models.Hub;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// A content hash of the files that decide a model folder's outputs: config.json, the weights (model.safetensors,
/// or the shard index and every shard) and the tokenizer files present. Two folders with the same files get the
/// same fingerprint wherever they live; retraining or changing the vocabulary changes it.
/// </summary>
internal static class ModelFingerprint
{
    /// <summary>First 16 hex digits of the SHA-256 over each file's name, length and bytes, in a fixed order.</summary>
    public static string Compute(string folder)
    {
        var weights = File.Exists(Path.Combine(folder, ModelFiles.WeightsIndex))
            ? [ModelFiles.WeightsIndex, .. ModelFiles.ReadShardNames(Path.Combine(folder, ModelFiles.WeightsIndex))]
            : new[] { ModelFiles.Weights };
        string[] names = [ModelFiles.Config, .. weights, .. ModelFiles.TokenizerFiles];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) continue;
            using var stream = File.OpenRead(path);
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\n{stream.Length}\n"));
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 8));
    }
}
