namespace Locus.Serving.Models;

/// <summary>A model to serve as given on the command line: <c>PATH</c> or <c>NAME=PATH</c>.</summary>
/// <param name="Name">The name to serve it under, or null to derive it from the run or folder.</param>
/// <param name="Path">A run, run version or model folder.</param>
public sealed record ModelReference(string? Name, string Path)
{
    /// <summary>Parses <c>PATH</c> or <c>NAME=PATH</c>.</summary>
    public static ModelReference Parse(string text)
    {
        var equals = text.IndexOf('=');
        return equals > 0 && !text[..equals].Contains('/') && !text[..equals].Contains(System.IO.Path.DirectorySeparatorChar)
            ? new ModelReference(text[..equals], text[(equals + 1)..])
            : new ModelReference(null, text);
    }
}
