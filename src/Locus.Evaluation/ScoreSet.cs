namespace Locus.Evaluation;

/// <summary>Per-label scores and the three averages computed from the same counts.</summary>
internal sealed record ScoreSet(IReadOnlyList<LabelScore> PerLabel, AverageScore Micro, AverageScore Macro, AverageScore Weighted);
