using Microsoft.AspNetCore.Http;

namespace Locus.Serving.Http;

/// <summary>
/// Checks a prediction request against the server's limits. Problems name the field: 400 for a missing or empty text,
/// 413 for too many texts or a text over the length limit.
/// </summary>
public sealed class RequestValidator(ServeOptions options)
{
    /// <summary>The texts of a valid request, or the problem document to answer with.</summary>
    public (IReadOnlyList<string>? Texts, IResult? Problem) Check(PredictRequest? request)
    {
        if (request is null || (request.Text is null && request.Texts is null))
            return Invalid(400, "text", "give \"text\" (one text) or \"texts\" (a list)");
        if (request.Text is not null && request.Texts is not null)
            return Invalid(400, "texts", "give either \"text\" or \"texts\", not both");

        var single = request.Text is not null;
        IReadOnlyList<string?> texts = single ? [request.Text] : request.Texts!;
        if (texts.Count == 0) return Invalid(400, "texts", "must not be empty");
        if (texts.Count > options.MaxTexts) return Invalid(StatusCodes.Status413PayloadTooLarge, "texts", $"{texts.Count} texts; at most {options.MaxTexts} per request");
        for (var i = 0; i < texts.Count; i++)
        {
            var field = single ? "text" : $"texts[{i}]";
            if (string.IsNullOrWhiteSpace(texts[i])) return Invalid(400, field, "must not be empty");
            if (texts[i]!.Length > options.MaxTextChars)
                return Invalid(StatusCodes.Status413PayloadTooLarge, field, $"{texts[i]!.Length} characters; at most {options.MaxTextChars}");
        }
        return (texts.Select(t => t!).ToList(), null);
    }

    /// <summary>A validation problem document for one field.</summary>
    public static (IReadOnlyList<string>?, IResult?) Invalid(int status, string field, string message) => (null, Problem(status, field, message));

    /// <summary>A validation problem document (RFC 7807, with <c>errors</c> by field) for one field.</summary>
    public static IResult Problem(int status, string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, statusCode: status,
            title: status == StatusCodes.Status413PayloadTooLarge ? "The request is too large." : "The request is not valid.");
}
