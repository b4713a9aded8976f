namespace Locus;

/// <summary>
/// A problem caused by the user's input (a file, a flag, a configuration value) rather than by a bug.
/// The command-line tool prints <see cref="Exception.Message"/> without a stack trace.
/// </summary>
public class LocusException : Exception
{
    /// <summary>Creates an exception with a message that says what is wrong and where.</summary>
    public LocusException(string message) : base(message) { }

    /// <summary>Creates an exception that wraps the lower-level cause.</summary>
    public LocusException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An input file is malformed: the message names the file, the line (1-based) and the field.</summary>
public sealed class DataFormatException : LocusException
{
    /// <summary>
    /// Creates the exception; <paramref name="line"/> is 1-based, 0 when not known. A JSON parser message in
    /// <paramref name="problem"/> loses its own location suffix and .NET type names (<see cref="JsonErrorText"/>).
    /// </summary>
    public DataFormatException(string file, int line, string? field, string problem)
        : base(Format(file, line, JsonErrorText.Field(field), JsonErrorText.Clean(problem)))
    {
        File = file;
        Line = line;
        Field = JsonErrorText.Field(field);
        Problem = JsonErrorText.Clean(problem);
    }

    /// <summary>The file that holds the bad record.</summary>
    public string File { get; }

    /// <summary>The 1-based line number, or 0 when the problem concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>The field (JSON property, column) at fault, when there is one.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>Formats a location the way compilers do: <c>file:line: field: problem</c>.</summary>
    public static string Format(string file, int line, string? field, string problem)
    {
        var where = line > 0 ? $"{file}:{line}" : file;
        return field is null ? $"{where}: {problem}" : $"{where}: field '{field}': {problem}";
    }
}
