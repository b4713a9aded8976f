using System.Buffers.Binary;

namespace Locus.Models.Tokenization;

/// <summary>
/// SentencePiece's precompiled normalisation rules (e.g. <c>nmt_nfkc</c>): a Darts double-array trie over UTF-8 input
/// whose values point into a blob of NUL-terminated replacement strings. Layout: uint32 trie size in bytes, the trie
/// units (uint32 each), then the replacement strings.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _replacements;

    public PrecompiledCharsMap(byte[] blob)
    {
        if (blob.Length < 4)
        {
            throw new FormatException("precompiled_charsmap is shorter than its 4-byte header");
        }

        var trieBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || 4 + trieBytes > blob.Length)
        {
            throw new FormatException("precompiled_charsmap has an invalid trie size");
        }

        _units = new uint[trieBytes / 4];
        for (var i = 0; i < _units.Length; i++)
        {
            _units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + (4 * i)));
        }

        _replacements = blob[(4 + trieBytes)..];
    }

    /// <summary>The longest rule matching a prefix of <paramref name="input"/>: its length and replacement, or length 0.</summary>
    public int LongestMatch(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement)
    {
        // Darts-clone commonPrefixSearch, keeping the longest hit.
        replacement = default;
        var best = 0;
        uint id = 0;
        var unit = _units[0];
        id ^= Offset(unit);
        for (var i = 0; i < input.Length; i++)
        {
            id ^= input[i];
            if (id >= _units.Length)
            {
                break;
            }

            unit = _units[id];
            if (Label(unit) != input[i])
            {
                break;
            }

            id ^= Offset(unit);
            if (HasLeaf(unit))
            {
                var value = (int)(_units[id] & 0x7FFFFFFF);
                best = i + 1;
                var end = _replacements.AsSpan(value).IndexOf((byte)0);
                replacement = end < 0 ? _replacements.AsSpan(value) : _replacements.AsSpan(value, end);
            }
        }

        return best;
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & (0x80000000u | 0xFF);

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
