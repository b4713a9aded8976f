namespace Locus.Specialization.Runs;

/// <summary>Whether one recorded stage can be kept when a run resumes, and why.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Reusable">True when its outputs can be used as they are.</param>
/// <param name="Reason">Why it is kept or must be redone, in words.</param>
public sealed record StageResumeDecision(string Stage, bool Reusable, string Reason);

/// <summary>What to keep and what to redo when resuming a run.</summary>
/// <param name="Run">The run.</param>
/// <param name="Stages">A decision per recorded stage, in the order they ran.</param>
public sealed record ResumePlan(RunReference Run, IReadOnlyList<StageResumeDecision> Stages)
{
    /// <summary>The stages whose outputs can be reused, in order.</summary>
    public IReadOnlyList<string> ReusableStages => Stages.Where(s => s.Reusable).Select(s => s.Stage).ToList();

    /// <summary>True when <paramref name="stage"/> was recorded and can be reused; false for unknown stages.</summary>
    public bool CanReuse(string stage) => Stages.Any(s => s.Stage == stage && s.Reusable);
}
