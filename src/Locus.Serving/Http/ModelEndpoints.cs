using Locus.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{name}</c>: what is served, with task, labels and run metrics.</summary>
public static class ModelEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app, ServerState state)
    {
        app.MapGet("/v1/models", () => Results.Json(new ModelList(state.Current.Catalog.Models.Select(Describe).ToList(), state.Routing), ServingJson.Options))
            .WithName("ListModels").WithSummary("The served models: name, task, labels and the metrics of their run.")
            .Produces<ModelList>().ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/v1/models/{name}", (string name) => state.Current.Catalog.Find(name) is { } model
                ? Results.Json(Describe(model), ServingJson.Options)
                : Results.Problem(statusCode: 404, title: "Unknown model.", detail: $"no model named '{name}' is served (see GET /v1/models)",
                    extensions: new Dictionary<string, object?> { ["field"] = "name" }))
            .WithName("GetModel").WithSummary("One served model.")
            .Produces<ModelInfo>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    /// <summary>The listing entry of a model.</summary>
    public static ModelInfo Describe(ServedModel model) => new(
        model.Name, model.Task, model.Backend is AdapterSetBackend ? "adapter" : "full", model.Labels, model.Manifest.MultiLabel, model.Run,
        model.Backend is AdapterSetBackend set ? set.Set.BaseFolder : null, model.KeyMetric, model.Metrics);
}
