using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (models loaded and not stopping; 503 otherwise).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app, ServerState state)
    {
        app.MapGet("/healthz", () => Results.Json(new HealthStatus("ok"), ServingJson.Options))
            .WithName("Health").WithSummary("Liveness: the server answers.").Produces<HealthStatus>();
        app.MapGet("/readyz", () => state.Ready
                ? Results.Json(new HealthStatus("ready", state.Current.Catalog.Models.Count), ServingJson.Options)
                : Results.Json(new HealthStatus("stopping", state.Current.Catalog.Models.Count), ServingJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready").WithSummary("Readiness: models loaded and the server not stopping.")
            .Produces<HealthStatus>().Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
    }
}
