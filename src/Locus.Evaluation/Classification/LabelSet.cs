namespace Locus.Evaluation;

/// <summary>Resolves the ordered label list of a classification report and checks the data against it.</summary>
internal static class LabelSet
{
    /// <param name="given">The caller's label list, or null to use the labels seen.</param>
    /// <param name="seen">Every label that occurs in gold or predictions.</param>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? given, IEnumerable<string> seen)
    {
        if (given is null) return seen.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in given)
        {
            if (string.IsNullOrEmpty(label)) throw new LocusException("the label list contains an empty label");
            if (!known.Add(label)) throw new LocusException($"the label list names '{label}' twice");
        }

        var unknown = seen.Where(l => !known.Contains(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new LocusException($"labels not in the label list occur in the data: {string.Join(", ", unknown)}");
        return given;
    }
}
