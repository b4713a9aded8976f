namespace Locus.Data;

/// <summary>
/// The token lines of one CoNLL sentence as read, before decoding; the first problem found in its lines,
/// if any, marks the whole sentence as malformed.
/// </summary>
internal sealed class ConllSentence
{
    public List<string> Tokens { get; } = [];
    public List<string> Tags { get; } = [];
    public List<int> Lines { get; } = [];
    public DataIssue? Problem { get; set; }
    public int FirstLine => Lines[0];
    public bool IsEmpty => Lines.Count == 0 && Problem is null;
}
