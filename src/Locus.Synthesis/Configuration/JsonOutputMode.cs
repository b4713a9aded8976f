namespace Locus.Synthesis;

/// <summary>How the request asks the server for JSON output (servers differ in what they support).</summary>
public enum JsonOutputMode
{
    /// <summary><c>response_format: {"type": "json_schema", ...}</c> with the output schema (OpenAI, vLLM, llama.cpp, Ollama).</summary>
    Schema,

    /// <summary><c>response_format: {"type": "json_object"}</c>, for servers without JSON-schema support.</summary>
    JsonObject,

    /// <summary>No <c>response_format</c>; the prompt alone asks for JSON.</summary>
    None,
}
