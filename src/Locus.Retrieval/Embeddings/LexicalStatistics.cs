using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Locus.Retrieval.Embeddings;

/// <summary>
/// Document frequencies of hashed lexical features (2^20 buckets), fitted on a corpus sample, giving the
/// inverse document frequency that makes rare words count more than function words. Saved beside an index
/// so queries are weighted the same way as the corpus.
/// </summary>
public sealed class LexicalStatistics
{
    private const int BucketBits = 20;
    private static ReadOnlySpan<byte> Magic => "LOCUSIDF"u8;

    private readonly int[] _documentFrequency;

    private LexicalStatistics(int[] documentFrequency, long documentCount)
    {
        _documentFrequency = documentFrequency;
        DocumentCount = documentCount;
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Number of documents (sentences) the statistics were fitted on.</summary>
    public long DocumentCount { get; }

    /// <summary>Hash of the counts; part of the encoder's model id.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Counts, for each feature, the sentences of <paramref name="sentences"/> that contain it.</summary>
    public static LexicalStatistics Fit(IEnumerable<string> sentences)
    {
        var frequency = new int[1 << BucketBits];
        var seen = new HashSet<int>();
        long documents = 0;
        foreach (var sentence in sentences)
        {
            seen.Clear();
            LexicalFeatures.Extract(sentence, (hash, _) => seen.Add(Bucket(hash)));
            foreach (var bucket in seen) frequency[bucket]++;
            documents++;
        }
        return new LexicalStatistics(frequency, documents);
    }

    /// <summary>Smoothed inverse document frequency, ln((N+1)/(df+1)) + 1, of a feature hash.</summary>
    public float InverseDocumentFrequency(ulong featureHash) =>
        (float)(Math.Log((DocumentCount + 1.0) / (_documentFrequency[Bucket(featureHash)] + 1.0)) + 1.0);

    /// <summary>Writes the statistics atomically (temp file + rename).</summary>
    public void Save(string path)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> header = stackalloc byte[20];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], BucketBits);
            BinaryPrimitives.WriteInt64LittleEndian(header[12..], DocumentCount);
            stream.Write(header);
            stream.Write(MemoryMarshal.AsBytes(_documentFrequency.AsSpan()));
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads statistics written by <see cref="Save"/>; a damaged file throws <see cref="LocusException"/>.</summary>
    public static LexicalStatistics Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var expected = 20 + (4L << BucketBits);
        if (bytes.Length < 20 || !bytes.AsSpan(0, 8).SequenceEqual(Magic)) throw new LocusException($"{path}: not a Locus lexical statistics file");
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != BucketBits) throw new LocusException($"{path}: unsupported bucket count");
        if (bytes.Length != expected) throw new LocusException($"{path}: truncated or damaged: {bytes.Length} bytes, expected {expected}");
        var documents = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        var frequency = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(20)).ToArray();
        if (documents < 0 || frequency.Any(f => f < 0 || f > documents)) throw new LocusException($"{path}: damaged: counts out of range");
        return new LexicalStatistics(frequency, documents);
    }

    private static int Bucket(ulong hash) => (int)(hash >> (64 - BucketBits));

    private ulong ComputeFingerprint()
    {
        var hash = 0xCBF29CE484222325UL ^ (ulong)DocumentCount;
        foreach (var count in _documentFrequency) hash = (hash ^ (uint)count) * 0x100000001B3UL;
        return hash;
    }
}
