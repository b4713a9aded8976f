using Locus.Models.Tokenization;
using Locus.Tests.TestSupport;

namespace Locus.Tests.Training.Tasks;

/// <summary>A tiny lower-casing BERT WordPiece tokenizer written to a temporary folder and loaded with the factory.</summary>
internal sealed class TaskTokenizer : IDisposable
{
    // ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then the tokens below from 5.
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "john", "smith", "lives", "in", "new", "york", "paris", "berlin", "visited", "the", "city", "of", "and", "went",
        "to", "play", "##ing", "##s", "un", "##aff", "##able", "today", "cafe", "mary", "anne", "rome", "is", "a",
        ".", ",", "!", "'", "-", "(", ")",
    ];

    private readonly TempDir _folder = new();

    public TaskTokenizer()
    {
        File.WriteAllText(_folder.File("vocab.txt"), string.Join("\n", Vocabulary) + "\n");
        File.WriteAllText(_folder.File("tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 512}""");
        Tokenizer = TokenizerFactory.FromFolder(_folder.Path);
    }

    public HuggingFaceTokenizer Tokenizer { get; }

    public static int Id(string token) => Array.IndexOf(Vocabulary, token);

    public void Dispose() => _folder.Dispose();
}
