namespace Locus.Tests.Tokenization;

/// <summary>A throw-away BERT tokenizer folder (vocab.txt + tokenizer_config.json) with a handful of tokens.</summary>
internal sealed class TinyWordPieceFolder : IDisposable
{
    // ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 then the words below from 5.
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "a", "b", "c", "d", "e", "f", "g", "h", "x", "y", "z",
        "un", "##aff", "##able", "cafe", "hello", "world", "!", ",", "'", "s", "##s",
    ];

    public TinyWordPieceFolder(string? tokenizerConfig = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "locus-wordpiece-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        File.WriteAllText(System.IO.Path.Combine(Path, "vocab.txt"), string.Join("\n", Vocabulary) + "\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer_config.json"),
            tokenizerConfig ?? """{"do_lower_case": true, "model_max_length": 16, "tokenizer_class": "BertTokenizer"}""");
    }

    public string Path { get; }

    public static int Id(string token) => Array.IndexOf(Vocabulary, token);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
