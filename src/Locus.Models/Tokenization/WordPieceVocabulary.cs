namespace Locus.Models.Tokenization;

/// <summary>
/// A WordPiece vocabulary: word-initial pieces and continuation pieces (stored without their <c>##</c> prefix) in two
/// tables, so both can be looked up straight from a span of the normalised text without building strings.
/// </summary>
internal sealed class WordPieceVocabulary
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _initial;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation;
    private readonly Dictionary<string, int> _all;

    public WordPieceVocabulary(IReadOnlyList<string> tokensById, string continuingSubwordPrefix)
    {
        _tokens = tokensById.ToArray();
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        _all = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        var initial = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < _tokens.Length; id++)
        {
            var token = _tokens[id];
            // Duplicate lines in vocab.txt: the later id wins, as in Python's dict-building loop.
            _all[token] = id;
            initial[token] = id;
            if (continuingSubwordPrefix.Length > 0 && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
            {
                continuation[token[continuingSubwordPrefix.Length..]] = id;
            }
        }

        _initial = initial.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string ContinuingSubwordPrefix { get; }

    /// <summary>
    /// The tokens of a vocab.txt, one per line, with line ends read as Python's universal newlines read them
    /// (\n, \r\n or \r), as transformers' <c>load_vocab</c> does; a final line end adds no empty token.
    /// </summary>
    public static List<string> SplitLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    public int Count => _tokens.Length;

    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public int? TokenToId(string token) => _all.TryGetValue(token, out var id) ? id : null;

    public bool TryGetInitial(ReadOnlySpan<char> piece, out int id) => _initial.TryGetValue(piece, out id);

    public bool TryGetContinuation(ReadOnlySpan<char> piece, out int id) => _continuation.TryGetValue(piece, out id);
}
