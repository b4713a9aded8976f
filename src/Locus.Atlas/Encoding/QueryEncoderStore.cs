using System.Security.Cryptography;

namespace Locus.Atlas.Encoding;

/// <summary>Saves and loads fitted query encoders (kind tag + state), atomically, and caches them on disk by a content key.</summary>
public static class QueryEncoderStore
{
    private const string Magic = "LOCUS-QENC-1";

    /// <summary>Writes <paramref name="encoder"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Save(IQueryEncoder encoder, string path)
    {
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(encoder.Kind);
            encoder.Save(writer);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads an encoder written by <see cref="Save"/>; new kinds add a case here.</summary>
    public static IQueryEncoder Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        string magic;
        try { magic = reader.ReadString(); }
        catch (EndOfStreamException) { throw new DataFormatException(path, 0, null, "not a Locus query-encoder file (too short)"); }
        if (magic != Magic) throw new DataFormatException(path, 0, null, "not a Locus query-encoder file");
        var kind = reader.ReadString();
        return kind switch
        {
            LsaQueryEncoder.KindName => LsaQueryEncoder.Load(reader),
            CollaborativeQueryEncoder.KindName => CollaborativeQueryEncoder.Load(reader),
            SentenceQueryEncoder.KindName => SentenceQueryEncoder.Load(reader),
            PrecomputedQueryEncoder.KindName => PrecomputedQueryEncoder.Load(reader),
            _ => throw new DataFormatException(path, 0, "kind", $"unknown query-encoder kind '{kind}'"),
        };
    }

    /// <summary>
    /// Returns the encoder cached under <paramref name="cacheDirectory"/> for <paramref name="key"/> (any string that
    /// identifies the inputs and parameters), fitting and caching it when absent. A null directory disables the cache.
    /// </summary>
    public static IQueryEncoder GetOrFit(string? cacheDirectory, string key, Func<IQueryEncoder> fit)
    {
        if (cacheDirectory is null) return fit();
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..24];
        var path = Path.Combine(cacheDirectory, $"{hash}.qenc");
        if (File.Exists(path)) return Load(path);
        Directory.CreateDirectory(cacheDirectory);
        var encoder = fit();
        Save(encoder, path);
        return encoder;
    }

    /// <summary>The default cache folder: <c>$LOCUS_CACHE/atlas-encodings</c> or <c>~/.cache/locus/atlas-encodings</c>.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("LOCUS_CACHE") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "locus"), "atlas-encodings");
}
