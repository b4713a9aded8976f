using System.Text.RegularExpressions;

namespace Locus;

/// <summary>
/// Rewrites System.Text.Json's exception messages for users: the parser's own location suffix
/// (<c>Path: $.x | LineNumber: 0 | BytePositionInLine: 38.</c>) goes, since <see cref="DataFormatException"/> states
/// file, line and field itself, and .NET type names become what the file should hold.
/// </summary>
public static partial class JsonErrorText
{
    /// <summary>The message without parser locations and .NET type names.</summary>
    public static string Clean(string message)
    {
        var text = Location().Replace(message, "");
        text = MissingRequired().Replace(text, m => $"missing required field(s) {m.Groups["fields"].Value}");
        text = NotConvertible().Replace(text, m => Friendly(m.Groups["type"].Value) is { } kind ? $"the value is not {kind}" : "the value is not one this field accepts");
        return text.Trim();
    }

    /// <summary>A JSON path as a field name: <c>$.a.b</c> becomes <c>a.b</c>, the root <c>$</c> none.</summary>
    public static string? Field(string? path) => path switch
    {
        null or "" or "$" => null,
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith("$[", StringComparison.Ordinal) => path[1..],
        _ => path,
    };

    private static string? Friendly(string type) => type switch
    {
        _ when type.StartsWith("System.Int", StringComparison.Ordinal) || type.StartsWith("System.UInt", StringComparison.Ordinal) => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.String" => "a string",
        "System.Boolean" => "true or false",
        _ when type.Contains("List`", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ when type.Contains("Dictionary`", StringComparison.Ordinal) => "an object",
        _ => null,   // an enum or a Locus type: its name means nothing to the user
    };

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+\s*\|\s*BytePositionInLine: \d+\.?")]
    private static partial Regex Location();

    [GeneratedRegex(@"JSON deserialization for type '[^']+' was missing required properties,? including:? (?<fields>.+?)\.?$", RegexOptions.Multiline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"The JSON value could not be converted to (?<type>[^\s.]+(\.[^\s.]+)*)\.?")]
    private static partial Regex NotConvertible();
}
