namespace Locus.Atlas.Data;

/// <summary>How a score-matrix CSV is laid out.</summary>
public enum MatrixOrientation
{
    /// <summary>Decide from the header: a first header cell named <c>model</c>/<c>models</c> means models are rows, otherwise columns.</summary>
    Auto,

    /// <summary>One row per model; the header lists query ids.</summary>
    ModelsAsRows,

    /// <summary>One column per model; the first column holds query ids.</summary>
    ModelsAsColumns,
}
