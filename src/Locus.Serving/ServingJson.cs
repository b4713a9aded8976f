using System.Text.Json;
using System.Text.Json.Serialization;

namespace Locus.Serving;

/// <summary>The JSON conventions of the server: snake_case members, members that do not apply left out.</summary>
public static class ServingJson
{
    /// <summary>The one set of options every request and response of the server uses.</summary>
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the conventions to <paramref name="options"/> (ASP.NET Core's own, so OpenAPI describes what is sent).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
