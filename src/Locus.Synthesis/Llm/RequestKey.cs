using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Locus.Synthesis;

/// <summary>
/// The cache key of a request: SHA-256 (hex) over everything that decides the answer — endpoint (without
/// credentials), model, every message's role and text, temperature, output limit, JSON mode and schema, seed,
/// round and index. The API key is not part of it, so rotating keys keeps the cache.
/// </summary>
internal static class RequestKey
{
    public static string Compute(LlmEndpointOptions options, LlmRequest request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("endpoint", options.RedactedEndpoint);
            json.WriteString("model", options.Model);
            json.WriteString("temperature", options.Temperature.ToString("R", CultureInfo.InvariantCulture));
            if (options.MaxOutputTokens is { } maxTokens) json.WriteNumber("max_tokens", maxTokens);
            json.WriteString("json_mode", options.JsonMode.ToString());
            if (options.JsonMode == JsonOutputMode.Schema && request.OutputSchema is { } schema)
            {
                json.WritePropertyName("schema");
                schema.WriteTo(json);
            }
            if (request.Seed is { } seed) json.WriteNumber("seed", seed);
            json.WriteNumber("round", request.Round);
            json.WriteNumber("index", request.Index);
            json.WriteStartArray("messages");
            foreach (var message in request.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Value);
                json.WriteString("text", message.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
