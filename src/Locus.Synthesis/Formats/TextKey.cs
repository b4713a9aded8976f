using System.Text;

namespace Locus.Synthesis;

/// <summary>
/// The form of a text used to detect duplicates: case-folded (invariant), with runs of whitespace collapsed to one
/// space and the ends trimmed, so that "The  cat." and "the cat." count as the same sentence.
/// </summary>
public static class TextKey
{
    /// <summary>The duplicate-detection key of <paramref name="text"/>.</summary>
    public static string Of(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
