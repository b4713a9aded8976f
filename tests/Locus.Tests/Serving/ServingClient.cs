using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Serving;

namespace Locus.Tests.Serving;

/// <summary>HTTP helpers for the serving tests.</summary>
internal static class ServingClient
{
    public static HttpClient For(LocusServer server) => new() { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromSeconds(30) };

    public static Task<HttpResponseMessage> PredictAsync(this HttpClient client, string model, object body, CancellationToken cancellationToken = default) =>
        client.PostAsJsonAsync($"/v1/models/{model}/predict", body, cancellationToken);

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>What the direct prediction path gives, serialised as the server serialises it.</summary>
    public static JsonNode Serialise<T>(T value) => JsonNode.Parse(JsonSerializer.Serialize(value, ServingJson.Options))!;
}
