namespace Locus.Training.Tasks;

/// <summary>A run of labelling units predicted as one entity: units [<see cref="Start"/>, <see cref="End"/>) of type <see cref="TypeIndex"/>.</summary>
/// <param name="Start">The first unit.</param>
/// <param name="End">One past the last unit.</param>
/// <param name="TypeIndex">The entity type's index in the <see cref="BioLabelMap"/>.</param>
public readonly record struct BioChunk(int Start, int End, int TypeIndex);

/// <summary>
/// Reads entities from predicted BIO tags, which need not be valid: as seqeval's default (non-strict) mode does,
/// <c>B-X</c> starts an entity, <c>I-X</c> continues an open X entity, and an <c>I-X</c> after <c>O</c> or after an
/// entity of another type starts a new X entity instead of being thrown away.
/// </summary>
public static class BioRepair
{
    /// <summary>The entities in <paramref name="tagIds"/> (ids of <paramref name="labels"/>), in order.</summary>
    public static List<BioChunk> Chunks(ReadOnlySpan<int> tagIds, BioLabelMap labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var chunks = new List<BioChunk>();
        int openStart = -1, openType = -1;
        for (var i = 0; i < tagIds.Length; i++)
        {
            var type = labels.TypeOf(tagIds[i]);
            if (type >= 0 && type == openType && !labels.IsBegin(tagIds[i])) continue;
            if (openStart >= 0) chunks.Add(new BioChunk(openStart, i, openType));
            (openStart, openType) = type >= 0 ? (i, type) : (-1, -1);
        }

        if (openStart >= 0) chunks.Add(new BioChunk(openStart, tagIds.Length, openType));
        return chunks;
    }
}
