namespace Locus.Evaluation;

/// <summary>
/// What a score becomes when its denominator is zero (precision with no predictions, recall with no gold
/// items), mirroring the <c>zero_division</c> argument of seqeval and scikit-learn.
/// </summary>
public enum ZeroDivision
{
    /// <summary>Use 0 and record a warning in the report (the libraries' default, <c>"warn"</c>).</summary>
    Warn,

    /// <summary>Use 0 silently.</summary>
    Zero,

    /// <summary>Use 1 silently.</summary>
    One,
}
