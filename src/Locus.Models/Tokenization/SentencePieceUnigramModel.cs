using System.Text;

namespace Locus.Models.Tokenization;

/// <summary>
/// SentencePiece Unigram tokenisation of plain text, as <c>SentencePieceProcessor::Encode</c> does it: normalise with
/// alignment, Viterbi, byte fallback for unknown characters, and each piece's span mapped back to the original text
/// (the last byte piece of a character carries its span, the others are empty, as in sentencepiece).
/// </summary>
internal sealed class SentencePieceUnigramModel : ISegmentModel
{
    private const string SpaceSymbol = "\u2581";

    [ThreadStatic]
    private static Scratch? s_scratch;

    private readonly SentencePieceEntry[] _pieces;
    private readonly Dictionary<string, int> _idByPiece;
    private readonly SpmTextNormalizer _normalizer;
    private readonly UnigramModel _unigram;
    private readonly int[] _byteIds;
    private readonly bool _byteFallback;
    private readonly string _unknownSurface;

    public SentencePieceUnigramModel(SentencePieceModelProto proto, string path)
    {
        if (!proto.IsUnigram)
        {
            throw new LocusException($"{path}: only SentencePiece Unigram models are supported (model_type is {proto.ModelType}).");
        }

        _pieces = proto.Pieces.ToArray();
        _idByPiece = new Dictionary<string, int>(_pieces.Length, StringComparer.Ordinal);
        _byteIds = new int[256];
        Array.Fill(_byteIds, -1);
        var unknownId = -1;
        for (var id = 0; id < _pieces.Length; id++)
        {
            var piece = _pieces[id];
            _idByPiece.TryAdd(piece.Piece, id);
            if (piece.Type == SentencePieceType.Unknown)
            {
                unknownId = id;
            }
            else if (piece.Type == SentencePieceType.Byte && piece.Piece.Length == 6 && piece.Piece.StartsWith("<0x", StringComparison.Ordinal))
            {
                _byteIds[Convert.ToInt32(piece.Piece[3..5], 16)] = id;
            }
        }

        if (unknownId < 0)
        {
            throw new DataFormatException(path, 0, "pieces", "the SentencePiece model has no UNKNOWN piece");
        }

        _byteFallback = proto.ByteFallback;
        if (_byteFallback && Array.IndexOf(_byteIds, -1) >= 0)
        {
            throw new DataFormatException(path, 0, "pieces", "byte_fallback is on but not all 256 byte pieces <0x00>..<0xFF> exist");
        }

        _unknownSurface = proto.UnknownSurface;
        _normalizer = new SpmTextNormalizer(proto);
        _unigram = new UnigramModel(_pieces, unknownId);
    }

    public int VocabSize => _pieces.Length;

    public string? IdToToken(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id].Piece : null;

    public int? TokenToId(string token) => _idByPiece.TryGetValue(token, out var id) ? id : null;

    public int Tokenize(string text, int start, int length, List<RawToken> output, int nextWord)
    {
        var scratch = s_scratch ??= new Scratch();
        var source = text.AsSpan(start, length);

        // UTF-8 of the input, and for every UTF-8 byte offset the UTF-16 index of the character it belongs to.
        var utf8 = scratch.Utf8.Reset(Encoding.UTF8.GetMaxByteCount(length));
        var byteCount = Encoding.UTF8.GetBytes(source, utf8);
        utf8 = utf8[..byteCount];
        var toUtf16 = scratch.ByteToUtf16.Reset(byteCount + 1);
        for (int i = 0, b = 0; i < source.Length;)
        {
            var width = char.IsHighSurrogate(source[i]) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(source.Slice(i, width));
            toUtf16.Slice(b, bytes).Fill(start + i);
            b += bytes;
            i += width;
        }

        toUtf16[byteCount] = start + length;
        _normalizer.Normalize(utf8, scratch.Normalized, scratch.NormToOrig);
        var pieces = scratch.Pieces;
        pieces.Clear();
        _unigram.Encode(scratch.Normalized.Span, scratch.Unigram, pieces);

        var normalized = scratch.Normalized.Span;
        var word = nextWord - 1;
        for (var p = 0; p < pieces.Count; p++)
        {
            var (id, begin, end) = pieces[p];
            var originStart = toUtf16[scratch.NormToOrig[begin]];
            var originEnd = toUtf16[scratch.NormToOrig[end]];
            if (p == 0 || normalized[begin..end].StartsWith("\u2581"u8))
            {
                word++;
            }

            if (id == _unigram.UnknownId && _byteFallback)
            {
                for (var b = begin; b < end; b++)
                {
                    var last = b == end - 1;
                    output.Add(new RawToken(_byteIds[normalized[b]], originStart, last ? originEnd : originStart, word));
                }

                continue;
            }

            output.Add(new RawToken(id, originStart, originEnd, word));
        }

        return word + 1;
    }

    // transformers' SPMTokenizer.decode: added tokens are kept as text, runs of pieces are decoded by sentencepiece.
    public string Decode(IReadOnlyList<string> tokens, IReadOnlyDictionary<string, AddedToken> addedTokens)
    {
        var result = new StringBuilder();
        var run = new List<int>();
        var previousIsAdded = false;
        foreach (var token in tokens)
        {
            if (addedTokens.ContainsKey(token) || !_idByPiece.TryGetValue(token, out var id))
            {
                if (!previousIsAdded)
                {
                    result.Append(' ');
                }

                result.Append(DecodePieces(run)).Append(token);
                run.Clear();
                previousIsAdded = true;
                continue;
            }

            run.Add(id);
            previousIsAdded = false;
        }

        result.Append(DecodePieces(run));
        return result.ToString().Trim();
    }

    // SentencePieceProcessor::Decode: control pieces vanish, byte runs become UTF-8 text, U+2581 becomes a space and
    // the space of the dummy prefix is dropped while nothing has been written yet.
    private string DecodePieces(List<int> ids)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var piece = _pieces[id];
            if (piece.Type == SentencePieceType.Byte)
            {
                bytes.Add((byte)Array.IndexOf(_byteIds, id));
                continue;
            }

            FlushBytes(bytes, text);
            var surface = piece.Type switch
            {
                SentencePieceType.Control => "",
                SentencePieceType.Unknown => _unknownSurface,
                _ => piece.Piece,
            };
            if (text.Length == 0 && surface.StartsWith(SpaceSymbol, StringComparison.Ordinal))
            {
                surface = surface[SpaceSymbol.Length..];
            }

            text.Append(surface.Replace(SpaceSymbol, " ", StringComparison.Ordinal));
        }

        FlushBytes(bytes, text);
        return text.ToString();
    }

    private static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        if (bytes.Count > 0)
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    private sealed class Scratch
    {
        public GrowableBuffer<byte> Utf8 { get; } = new();

        public GrowableBuffer<int> ByteToUtf16 { get; } = new();

        public GrowableBuffer<byte> Normalized { get; } = new();

        public GrowableBuffer<int> NormToOrig { get; } = new();

        public UnigramScratch Unigram { get; } = new();

        public List<(int Id, int Begin, int End)> Pieces { get; } = [];
    }
}
