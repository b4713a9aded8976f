using System.Text.Json;

namespace Locus.Cli.Commands.Data;

/// <summary>Builds the indented JSON that <c>--json</c> prints.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, LocusJson.WriterOptions)) write(json);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
