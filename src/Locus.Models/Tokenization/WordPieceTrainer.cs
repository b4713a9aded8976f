using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Locus.Models.Tokenization;

/// <summary>Settings of <see cref="WordPieceTrainer"/> (names follow Hugging Face's WordPieceTrainer).</summary>
public sealed class WordPieceTrainerOptions
{
    /// <summary>Target vocabulary size, special tokens and single characters included.</summary>
    public int VocabSize { get; init; } = 8000;

    /// <summary>Pairs seen fewer times than this are never merged.</summary>
    public int MinFrequency { get; init; } = 2;

    /// <summary>Characters kept in the initial alphabet (the most frequent ones); rarer ones become [UNK].</summary>
    public int LimitAlphabet { get; init; } = 1000;

    /// <summary>Lower-case and strip accents, as an uncased BERT tokenizer does.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Maximum sequence length written to tokenizer_config.json.</summary>
    public int ModelMaxLength { get; init; } = 512;
}

/// <summary>
/// Learns a WordPiece vocabulary from raw text, so a machine with no pretrained model can still build a tokenizer
/// for its own encoder. Like Hugging Face's trainer it starts from single characters (word-initial, and "##"
/// continuations) and repeatedly merges the most frequent adjacent pair within words, counting pairs incrementally.
/// </summary>
public static class WordPieceTrainer
{
    /// <summary>The special tokens, first in the vocabulary in BERT's usual order of roles.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    const string Continuation = "##";

    /// <summary>Trains a vocabulary (ordered: special tokens, alphabet, merges) from <paramref name="lines"/>.</summary>
    public static IReadOnlyList<string> Train(IEnumerable<string> lines, WordPieceTrainerOptions? options = null)
    {
        options ??= new WordPieceTrainerOptions();
        var wordCounts = CountWords(lines, options.Lowercase);
        var alphabet = Alphabet(wordCounts, options.LimitAlphabet);

        var vocab = new List<string>(SpecialTokens);
        var known = new HashSet<string>(vocab, StringComparer.Ordinal);
        void Add(string token) { if (known.Add(token)) vocab.Add(token); }
        foreach (var c in alphabet) { Add(c); Add(Continuation + c); }

        var words = wordCounts
            .Select(w => (Symbols: Split(w.Key, alphabet), Count: w.Value))
            .Where(w => w.Symbols is not null)
            .Select(w => (Symbols: w.Symbols!, w.Count))
            .ToList();
        Merge(words, vocab, Add, options);
        return vocab;
    }

    /// <summary>
    /// Writes a tokenizer folder that <see cref="TokenizerFactory.FromFolder"/> and Python's BertTokenizer load:
    /// vocab.txt, tokenizer_config.json and special_tokens_map.json.
    /// </summary>
    public static void WriteTokenizerFolder(string folder, IReadOnlyList<string> vocab, WordPieceTrainerOptions? options = null)
    {
        options ??= new WordPieceTrainerOptions();
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n");
        var indented = new JsonSerializerOptions { WriteIndented = true };
        var config = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = options.Lowercase,
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["model_max_length"] = options.ModelMaxLength,
            ["unk_token"] = "[UNK]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]",
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(indented));
        var map = new JsonObject { ["unk_token"] = "[UNK]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]" };
        AtomicFile.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), map.ToJsonString(indented));
    }

    static void Merge(List<(List<string> Symbols, int Count)> words, List<string> vocab, Action<string> add, WordPieceTrainerOptions options)
    {
        // pair → total count, and pair → words containing it (so a merge only revisits those words).
        var pairCounts = new Dictionary<(string, string), long>();
        var pairWords = new Dictionary<(string, string), HashSet<int>>();
        for (var w = 0; w < words.Count; w++) CountPairs(words[w], w, +1, pairCounts, pairWords);

        while (vocab.Count < options.VocabSize && pairCounts.Count > 0)
        {
            var best = MostFrequent(pairCounts);
            if (best.Value < options.MinFrequency) break;
            var (left, right) = best.Key;
            var merged = left + right[Continuation.Length..];
            add(merged);

            foreach (var w in pairWords[best.Key].ToList())
            {
                CountPairs(words[w], w, -1, pairCounts, pairWords);
                var symbols = words[w].Symbols;
                for (var i = 0; i < symbols.Count - 1; i++)
                {
                    if (symbols[i] != left || symbols[i + 1] != right) continue;
                    symbols[i] = merged;
                    symbols.RemoveAt(i + 1);
                }
                CountPairs(words[w], w, +1, pairCounts, pairWords);
            }
        }
    }

    // Ties between equally frequent pairs go to the ordinally smallest pair, so training is deterministic.
    static KeyValuePair<(string, string), long> MostFrequent(Dictionary<(string, string), long> counts)
    {
        var best = counts.First();
        foreach (var candidate in counts)
        {
            if (candidate.Value < best.Value) continue;
            if (candidate.Value > best.Value || Compare(candidate.Key, best.Key) < 0) best = candidate;
        }
        return best;
    }

    static int Compare((string A, string B) x, (string A, string B) y)
    {
        var first = string.CompareOrdinal(x.A, y.A);
        return first != 0 ? first : string.CompareOrdinal(x.B, y.B);
    }

    static void CountPairs((List<string> Symbols, int Count) word, int index, int sign,
        Dictionary<(string, string), long> counts, Dictionary<(string, string), HashSet<int>> owners)
    {
        var symbols = word.Symbols;
        for (var i = 0; i < symbols.Count - 1; i++)
        {
            var pair = (symbols[i], symbols[i + 1]);
            var total = counts.GetValueOrDefault(pair) + sign * (long)word.Count;
            if (total <= 0)
            {
                counts.Remove(pair);
                owners.Remove(pair);
                continue;
            }
            counts[pair] = total;
            if (sign > 0)
            {
                if (!owners.TryGetValue(pair, out var set)) owners[pair] = set = [];
                set.Add(index);
            }
        }
    }

    static List<string>? Split(string word, HashSet<string> alphabet)
    {
        var symbols = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(word);
        while (e.MoveNext())
        {
            var c = (string)e.Current;
            if (!alphabet.Contains(c)) return null; // the tokenizer maps such a word to [UNK]; it cannot teach merges
            symbols.Add(symbols.Count == 0 ? c : Continuation + c);
        }
        return symbols;
    }

    static HashSet<string> Alphabet(Dictionary<string, int> wordCounts, int limit)
    {
        var chars = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
        {
            var e = StringInfo.GetTextElementEnumerator(word);
            while (e.MoveNext()) chars[(string)e.Current] = chars.GetValueOrDefault((string)e.Current) + count;
        }
        return chars.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(limit).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>BERT-style pre-tokenisation: normalise, split on whitespace, and make each punctuation mark a word.</summary>
    static Dictionary<string, int> CountWords(IEnumerable<string> lines, bool lowercase)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var word = new StringBuilder();
        void Flush() { if (word.Length > 0) { var w = word.ToString(); counts[w] = counts.GetValueOrDefault(w) + 1; word.Clear(); } }

        foreach (var line in lines)
        {
            var text = lowercase ? StripAccents(line.ToLowerInvariant()) : line;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c)) { Flush(); continue; }
                if (IsPunctuation(c) || IsCjk(c)) { Flush(); word.Append(c); Flush(); continue; }
                word.Append(c);
            }
            Flush();
        }
        return counts;
    }

    static string StripAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString();
    }

    // BERT treats all non-alphanumeric ASCII as punctuation, plus Unicode punctuation.
    static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~' || char.IsPunctuation(c);

    static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';
}
