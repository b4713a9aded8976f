using System.Text;

namespace Locus.Tests.Tokenization;

/// <summary>Writes a tiny SentencePiece Unigram model (protobuf) with byte fallback, for tests that must not need fixtures.</summary>
internal static class TinySentencePieceModel
{
    public const int ByteBase = 4;
    public const int Space = 260;
    public const int SpaceAb = 261;
    public const int SpaceA = 262;
    public const int B = 263;
    public const int A = 264;
    public const int C = 265;

    public static byte[] Build()
    {
        var pieces = new List<(string Piece, float Score, int Type)>
        {
            ("[PAD]", 0, 3), ("[CLS]", 0, 3), ("[SEP]", 0, 3), ("[UNK]", 0, 2),
        };
        for (var b = 0; b < 256; b++)
        {
            pieces.Add(($"<0x{b:X2}>", 0, 6));
        }

        pieces.AddRange([("\u2581", -3f, 1), ("\u2581ab", -1f, 1), ("\u2581a", -2f, 1), ("b", -2f, 1), ("a", -2.5f, 1), ("c", -3f, 1)]);
        var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            var entry = new MemoryStream();
            WriteBytes(entry, 1, Encoding.UTF8.GetBytes(piece));
            WriteKey(entry, 2, 5);
            entry.Write(BitConverter.GetBytes(score));
            WriteVarintField(entry, 3, (ulong)type);
            WriteBytes(model, 1, entry.ToArray());
        }

        var trainer = new MemoryStream();
        WriteVarintField(trainer, 3, 1);
        WriteVarintField(trainer, 35, 1);
        WriteBytes(model, 2, trainer.ToArray());
        var normalizer = new MemoryStream();
        WriteBytes(normalizer, 1, "identity"u8.ToArray());
        WriteVarintField(normalizer, 3, 1);
        WriteVarintField(normalizer, 4, 1);
        WriteVarintField(normalizer, 5, 1);
        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteKey(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteVarintField(Stream s, int field, ulong value)
    {
        WriteKey(s, field, 0);
        WriteVarint(s, value);
    }

    private static void WriteBytes(Stream s, int field, byte[] bytes)
    {
        WriteKey(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }
}
