using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Locus.Serving.Http;

/// <summary>
/// With an API key set, <c>/v1/*</c> and <c>/metrics</c> need <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>
/// (compared in constant time); otherwise 401 with a problem document. The page, health and OpenAPI stay open.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, string apiKey)
{
    readonly byte[] key = Encoding.UTF8.GetBytes(apiKey);

    /// <summary>Whether <paramref name="path"/> needs the key.</summary>
    public static bool IsProtected(PathString path) => path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics");

    /// <summary>Checks the key, then passes the request on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsProtected(context.Request.Path) || Matches(Presented(context.Request)))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "An API key is required.",
            detail: "send the key as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'",
            extensions: new Dictionary<string, object?> { ["field"] = "Authorization" }).ExecuteAsync(context);
    }

    static string? Presented(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"].FirstOrDefault() is { Length: > 0 } header) return header;
        var authorization = request.Headers.Authorization.FirstOrDefault();
        return authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    bool Matches(string? presented) => presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);
}
