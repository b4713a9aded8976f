using Locus.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary>
/// <c>POST /v1/admin/reload</c>: load the served references again, so a run's newly promoted (or rolled back) version is
/// served; in-flight requests finish on the old models. Guarded by the API key like every <c>/v1</c> path.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Maps the endpoint; <paramref name="reload"/> does the work.</summary>
    public static void Map(IEndpointRouteBuilder app, ServerState state, Func<CancellationToken, Task<ModelCatalog>> reload)
    {
        app.MapPost("/v1/admin/reload", async (CancellationToken cancellationToken) =>
            {
                try
                {
                    var catalog = await reload(cancellationToken);
                    return Results.Json(new ModelList(catalog.Models.Select(ModelEndpoints.Describe).ToList(), state.Routing), ServingJson.Options);
                }
                catch (Exception e) when (e is LocusException or FileNotFoundException or DirectoryNotFoundException)
                {
                    return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The models could not be reloaded; the old ones stay.", detail: e.Message);
                }
            })
            .WithName("Reload").WithSummary("Reload the served models (runs resolve to their promoted version now); the old ones serve until the new ones are loaded.")
            .Produces<ModelList>().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
