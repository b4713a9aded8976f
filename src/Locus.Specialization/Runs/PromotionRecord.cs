using System.Text.Json.Serialization;

namespace Locus.Specialization.Runs;

/// <summary>What happened to a run's production pointer.</summary>
public enum PromotionAction
{
    /// <summary>A version was promoted.</summary>
    Promote,

    /// <summary>The pointer went back to the version promoted before the current one.</summary>
    Rollback,
}

/// <summary>One change of the production pointer.</summary>
public sealed record PromotionEvent
{
    /// <summary>Promote or rollback.</summary>
    public required PromotionAction Action { get; init; }

    /// <summary>The version promoted after this change.</summary>
    public required int Version { get; init; }

    /// <summary>The version promoted before it, or null when none was.</summary>
    public int? Previous { get; init; }

    /// <summary>When, UTC.</summary>
    public required DateTime Utc { get; init; }

    /// <summary>Who (the user name of the process, unless given).</summary>
    public string? User { get; init; }

    /// <summary>Why, in the user's words.</summary>
    public string? Reason { get; init; }

    /// <summary>True when a version that had not completed was promoted on purpose.</summary>
    public bool Forced { get; init; }
}

/// <summary>
/// The production pointer of one run name (<c>ROOT/NAME/production.json</c>): the promoted version and every change,
/// oldest first. Promotions stack: a rollback undoes the latest promotion still in force.
/// </summary>
public sealed class PromotionRecord : IVersionedJson
{
    /// <summary>The layout, <see cref="RunManifestJson.PromotionFormat"/>; null when read from a file written before it.</summary>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>The run name.</summary>
    public required string Name { get; set; }

    /// <summary>The promoted version, or null when none is.</summary>
    public int? Promoted { get; set; }

    /// <summary>Every promotion and rollback, oldest first.</summary>
    public List<PromotionEvent> History { get; set; } = [];

    /// <summary>
    /// The versions a rollback would return to, in order: replaying the history, a promotion pushes its version and a
    /// rollback pops the top. The last element is the promoted version.
    /// </summary>
    public IReadOnlyList<int> PromotionStack()
    {
        var stack = new List<int>();
        foreach (var change in History)
        {
            if (change.Action == PromotionAction.Promote) stack.Add(change.Version);
            else if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
        }
        return stack;
    }
}

/// <summary>Who promotes or rolls back, why, and whether to override the completed-only rule.</summary>
public sealed class PromotionOptions
{
    /// <summary>Why, recorded in the history.</summary>
    public string? Reason { get; init; }

    /// <summary>Who, recorded in the history; the process's user name when null.</summary>
    public string? User { get; init; }

    /// <summary>Promote a run that is running, failed or interrupted (refused otherwise).</summary>
    public bool Force { get; init; }
}
