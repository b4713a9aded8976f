using System.Text;

namespace Locus.Models.Tokenization;

/// <summary>
/// SentencePiece's Unigram segmentation (<c>Model::EncodeOptimized</c>): Viterbi over the normalised UTF-8 bytes with
/// a byte trie of the pieces, an unknown node for characters no single piece covers, and the same float rounding and
/// tie-breaking as the C++ code.
/// </summary>
internal sealed class UnigramModel
{
    private const float UnknownPenalty = 10.0f;

    private readonly Dictionary<long, int> _edges = new();
    private readonly List<int> _terminalId = [-1];
    private readonly SentencePieceEntry[] _pieces;
    private readonly float _unknownScore;
    private readonly float _maxScore;

    public UnigramModel(IReadOnlyList<SentencePieceEntry> pieces, int unknownId)
    {
        _pieces = pieces.ToArray();
        UnknownId = unknownId;
        var minScore = float.MaxValue;
        _maxScore = float.MinValue;
        for (var id = 0; id < _pieces.Length; id++)
        {
            var piece = _pieces[id];
            if (piece.Type == SentencePieceType.Normal)
            {
                minScore = Math.Min(minScore, piece.Score);
                _maxScore = Math.Max(_maxScore, piece.Score);
            }

            if (piece.Type is SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused)
            {
                Insert(Encoding.UTF8.GetBytes(piece.Piece), id);
            }
        }

        _unknownScore = minScore - UnknownPenalty;
    }

    public int UnknownId { get; }

    /// <summary>Segments <paramref name="normalized"/>; appends (id, begin, end) byte ranges in order.</summary>
    public void Encode(ReadOnlySpan<byte> normalized, UnigramScratch scratch, List<(int Id, int Begin, int End)> output)
    {
        var size = normalized.Length;
        if (size == 0)
        {
            return;
        }

        var bestScore = scratch.BestScore.Reset(size + 1);
        var startsAt = scratch.StartsAt.Reset(size + 1);
        var bestId = scratch.BestId.Reset(size + 1);
        bestScore.Clear();
        startsAt.Fill(-1);
        bestId.Fill(-1);
        for (var start = 0; start < size;)
        {
            var scoreTillHere = bestScore[start];
            var charLength = Math.Max(1, Math.Min(SpmTextNormalizer.Utf8CharLength(normalized[start..]), size - start));
            var hasSingleNode = false;
            var node = 0;
            for (var position = start; position < size; position++)
            {
                if (!_edges.TryGetValue(((long)node << 8) | normalized[position], out node))
                {
                    break;
                }

                var id = _terminalId[node];
                if (id < 0 || _pieces[id].Type == SentencePieceType.Unused)
                {
                    continue;
                }

                var end = position + 1;
                var length = end - start;
                // As in C++: the score is a double (the user-defined bonus is computed in double), the sum too, and
                // the stored best score is rounded back to float.
                var score = _pieces[id].Type == SentencePieceType.UserDefined ? (length * (double)_maxScore) - 0.1 : _pieces[id].Score;
                var candidate = score + scoreTillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = (float)candidate;
                    startsAt[end] = start;
                    bestId[end] = id;
                }

                if (length == charLength)
                {
                    hasSingleNode = true;
                }
            }

            if (!hasSingleNode)
            {
                var end = start + charLength;
                var candidate = _unknownScore + scoreTillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    bestId[end] = UnknownId;
                }
            }

            start += charLength;
        }

        var first = output.Count;
        for (var end = size; end > 0; end = startsAt[end])
        {
            output.Add((bestId[end], startsAt[end], end));
        }

        output.Reverse(first, output.Count - first);
    }

    private void Insert(byte[] key, int id)
    {
        var node = 0;
        foreach (var b in key)
        {
            var edge = ((long)node << 8) | b;
            if (!_edges.TryGetValue(edge, out var child))
            {
                child = _terminalId.Count;
                _terminalId.Add(-1);
                _edges.Add(edge, child);
            }

            node = child;
        }

        // The first of duplicate pieces wins, as in sentencepiece (which rejects duplicates).
        if (_terminalId[node] < 0)
        {
            _terminalId[node] = id;
        }
    }
}

/// <summary>Per-thread Viterbi buffers for <see cref="UnigramModel"/>.</summary>
internal sealed class UnigramScratch
{
    public GrowableBuffer<float> BestScore { get; } = new();

    public GrowableBuffer<int> StartsAt { get; } = new();

    public GrowableBuffer<int> BestId { get; } = new();
}
