using Locus.Models.Bert;
using Locus.Models.Encoders;

namespace Locus.Tests.Retrieval;

/// <summary>Writes a randomly initialised tiny BERT (hidden 16, 2 layers) with a small WordPiece vocabulary into a folder.</summary>
internal static class TinyEncoderFolder
{
    private static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ":", ",", "the", "a", "cat", "dog", "sat", "ran", "on", "in", "mat",
        "park", "bank", "raised", "interest", "rates", "central", "frog", "new", "species", "rainforest", "team", "wins",
        "cup", "query", "passage", "was", "discovered", "football", "##s", "##ed",
    ];

    /// <summary>Saves the model (seeded) into <paramref name="folder"/> and returns the folder.</summary>
    public static string Write(string folder, int seed = 7, int maxPositions = 64)
    {
        Directory.CreateDirectory(folder);
        var config = new BertConfig
        {
            VocabSize = Vocabulary.Length, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 32,
            MaxPositionEmbeddings = maxPositions, PadTokenId = 0,
        };
        using var model = EncoderModels.Create(config, seed);
        model.SavePretrained(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        return folder;
    }
}
