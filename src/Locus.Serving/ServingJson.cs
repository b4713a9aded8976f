using System.Text.Json;

namespace Locus.Serving;

/// <summary>The JSON of the server: <see cref="LocusJson"/>'s policy over ASP.NET Core's web defaults.</summary>
public static class ServingJson
{
    /// <summary>The one set of options every request and response of the server uses.</summary>
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the policy to <paramref name="options"/> (ASP.NET Core's own, so OpenAPI describes what is sent).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options) => LocusJson.Apply(options);
}
