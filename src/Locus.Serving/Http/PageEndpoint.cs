using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary><c>GET /</c>: the page to try the models (one HTML file with its script, embedded in this assembly).</summary>
public static class PageEndpoint
{
    static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(PageEndpoint).Assembly.GetManifestResourceStream("Locus.Serving.index.html")
                           ?? throw new InvalidOperationException("the page resource is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Maps the endpoint.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8")).ExcludeFromDescription();
}
