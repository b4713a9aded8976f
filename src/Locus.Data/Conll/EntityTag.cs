namespace Locus.Data;

/// <summary>One parsed token tag: <c>O</c>, or a prefix (<c>B</c>, <c>I</c>, <c>E</c>, <c>S</c>) and an entity label.</summary>
/// <param name="Prefix">'O', 'B', 'I', 'E' or 'S'.</param>
/// <param name="Label">The entity type; empty for <c>O</c>.</param>
public readonly record struct EntityTag(char Prefix, string Label)
{
    /// <summary>The outside tag.</summary>
    public static readonly EntityTag Outside = new('O', "");

    /// <summary>Whether this is the outside tag.</summary>
    public bool IsOutside => Prefix == 'O';

    /// <summary>
    /// Parses <c>O</c> or <c>P-LABEL</c>, splitting at the first hyphen so that labels may contain hyphens
    /// (<c>B-creative-work</c>). Null when the text is not a tag.
    /// </summary>
    public static EntityTag? TryParse(string text)
    {
        if (text == "O") return Outside;
        if (text.Length < 3 || text[1] != '-' || "BIES".IndexOf(text[0]) < 0) return null;
        return new EntityTag(text[0], text[2..]);
    }

    /// <summary>The tag as written in files.</summary>
    public override string ToString() => IsOutside ? "O" : $"{Prefix}-{Label}";
}
