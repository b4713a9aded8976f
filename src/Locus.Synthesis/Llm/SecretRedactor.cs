namespace Locus.Synthesis;

/// <summary>
/// Removes the API key from text that may reach a log, an exception or a record: some servers echo the
/// credential they rejected in their error body.
/// </summary>
internal sealed class SecretRedactor(string? secret)
{
    public const string Mask = "***";

    public string Redact(string text) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, Mask, StringComparison.Ordinal);
}
