using Locus.Data;

namespace Locus.Synthesis;

/// <summary>An entity as a language model writes it: the mention's exact text, its type, and optionally which occurrence.</summary>
/// <param name="Text">The mention, copied from the example's text.</param>
/// <param name="Label">The entity type.</param>
/// <param name="Occurrence">1-based: label only this occurrence of <paramref name="Text"/>; null labels every occurrence.</param>
public sealed record EntityMention(string Text, string Label, int? Occurrence = null);

/// <summary>
/// Turns entity mentions given as substrings into character spans, because language models cannot count
/// characters. Rules: a mention's candidate positions are its occurrences that start and end on word boundaries
/// (no letter or digit continues the word on either side), or, when there is none, all its occurrences (scripts
/// without spaces). Without <see cref="EntityMention.Occurrence"/> every candidate is labelled; with it, only the
/// n-th. Longer mentions are placed first and positions that overlap an already placed span are skipped, so
/// "New York Times" wins over "New York" inside it. Surrounding whitespace in a mention is trimmed.
/// </summary>
public static class MentionLocator
{
    /// <summary>Locates the mentions in <paramref name="text"/>, returning spans in text order, or the reason it failed.</summary>
    /// <returns>The spans, or null with <paramref name="problem"/> saying which mention could not be placed and why.</returns>
    public static IReadOnlyList<EntitySpan>? TryLocate(string text, IReadOnlyList<EntityMention> mentions, out string? problem)
    {
        problem = null;
        var distinct = new List<EntityMention>();
        foreach (var raw in mentions)
        {
            var mention = raw with { Text = raw.Text.Trim() };
            if (mention.Text.Length == 0) return Fail(out problem, "an entity has empty text");
            if (distinct.Contains(mention)) continue;
            if (mention.Occurrence is null
                && distinct.FirstOrDefault(m => m.Text == mention.Text && m.Label != mention.Label && m.Occurrence is null) is { } conflict)
                return Fail(out problem, $"entity '{mention.Text}' is given two labels, '{conflict.Label}' and '{mention.Label}'; add \"occurrence\" to tell them apart");
            distinct.Add(mention);
        }

        var spans = new List<EntitySpan>();
        foreach (var mention in distinct.OrderByDescending(m => m.Text.Length))
        {
            var candidates = Candidates(text, mention.Text);
            if (candidates.Count == 0) return Fail(out problem, $"entity '{mention.Text}' does not occur in the text");
            IEnumerable<int> chosen = candidates;
            if (mention.Occurrence is { } n)
            {
                if (n < 1 || n > candidates.Count)
                    return Fail(out problem, $"entity '{mention.Text}': occurrence {n} requested but it occurs {candidates.Count} time(s)");
                chosen = [candidates[n - 1]];
            }
            var placed = 0;
            foreach (var start in chosen)
            {
                var span = new EntitySpan(start, start + mention.Text.Length, mention.Label);
                if (spans.Any(s => s.Overlaps(span))) continue;
                spans.Add(span);
                placed++;
            }
            if (placed == 0) return Fail(out problem, $"entity '{mention.Text}' overlaps another entity wherever it occurs");
        }
        return spans.OrderBy(s => s.Start).ToList();
    }

    /// <summary>
    /// The inverse of <see cref="TryLocate"/>, used to show seeds in the output format: one entry per distinct
    /// surface when all its candidate occurrences carry the same label, otherwise one entry per span with its
    /// occurrence index. A span that is not at a candidate position (part of a word that also occurs whole) gets
    /// no index and would be located at the whole-word occurrences instead.
    /// </summary>
    public static IReadOnlyList<EntityMention> ToMentions(NerExample example)
    {
        var mentions = new List<EntityMention>();
        foreach (var group in example.Spans.OrderBy(s => s.Start).GroupBy(example.SpanText, StringComparer.Ordinal))
        {
            var candidates = Candidates(example.Text, group.Key);
            var labels = group.Select(s => s.Label).Distinct().ToList();
            var coversAll = labels.Count == 1 && candidates.All(start => group.Any(s => s.Start == start));
            if (coversAll) mentions.Add(new EntityMention(group.Key, labels[0]));
            else
                mentions.AddRange(group.Select(span =>
                {
                    var index = IndexOf(candidates, span.Start);
                    return new EntityMention(group.Key, span.Label, index >= 0 ? index + 1 : null);
                }));
        }
        return mentions;
    }

    /// <summary>
    /// The start positions where <paramref name="mention"/> may be an entity: whole-word occurrences, or every
    /// occurrence when none is a whole word.
    /// </summary>
    public static IReadOnlyList<int> Candidates(string text, string mention)
    {
        var all = new List<int>();
        for (var at = text.IndexOf(mention, StringComparison.Ordinal); at >= 0; at = text.IndexOf(mention, at + 1, StringComparison.Ordinal))
            all.Add(at);
        var whole = all.Where(start => IsBoundary(text, start) && IsBoundary(text, start + mention.Length)).ToList();
        return whole.Count > 0 ? whole : all;
    }

    private static int IndexOf(IReadOnlyList<int> positions, int position)
    {
        for (var i = 0; i < positions.Count; i++)
            if (positions[i] == position) return i;
        return -1;
    }

    // A boundary between two characters splits a word only when both are letters or digits.
    private static bool IsBoundary(string text, int offset) =>
        offset == 0 || offset == text.Length || !char.IsLetterOrDigit(text[offset - 1]) || !char.IsLetterOrDigit(text[offset]);

    private static IReadOnlyList<EntitySpan>? Fail(out string? problem, string reason)
    {
        problem = reason;
        return null;
    }
}
