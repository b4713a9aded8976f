using Locus.Serving.Routing;
using Locus.Training.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary>The body of <c>POST /v1/route</c>.</summary>
/// <param name="Text">The text to route.</param>
/// <param name="CostWeight">λ: route by P(correct) − λ·cost (needs costs in the atlas); 0 ignores cost.</param>
/// <param name="ServedOnly">Only choose among the models this server serves.</param>
/// <param name="Answer">Answer with the chosen model when it is served (else only return the choice).</param>
public sealed record RouteRequest(string? Text = null, double CostWeight = 0, bool ServedOnly = false, bool Answer = true);

/// <summary>The answer of <c>POST /v1/route</c>: the choice, why (every candidate's predicted score), and its prediction.</summary>
/// <param name="Model">The chosen model.</param>
/// <param name="Served">Whether it is served here (else the caller acts on the choice).</param>
/// <param name="Scores">Every candidate, best first.</param>
/// <param name="Task">The chosen served model's task, when it answered.</param>
/// <param name="Prediction">The chosen served model's prediction, when asked for.</param>
public sealed record RouteResponse(string Model, bool Served, IReadOnlyList<RouteScore> Scores, string? Task = null, PredictionRecord? Prediction = null);

/// <summary><c>POST /v1/route</c> (with <c>--atlas</c>): which model should answer a text, and optionally its answer.</summary>
public static class RouteEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void Map(IEndpointRouteBuilder app, ServerState state)
    {
        app.MapPost("/v1/route", async (RouteRequest? request, CancellationToken cancellationToken) =>
            {
                if (string.IsNullOrWhiteSpace(request?.Text)) return RequestValidator.Problem(400, "text", "must not be empty");
                if (request.Text.Length > state.Options.MaxTextChars)
                    return RequestValidator.Problem(StatusCodes.Status413PayloadTooLarge, "text", $"{request.Text.Length} characters; at most {state.Options.MaxTextChars}");
                if (request.CostWeight < 0) return RequestValidator.Problem(400, "cost_weight", "must not be negative");

                var snapshot = state.Current;
                IReadOnlyList<RouteScore> scores;
                try { scores = snapshot.Router!.Score(request.Text, request.CostWeight, request.ServedOnly); }
                catch (LocusException e) { return Results.Problem(statusCode: 422, title: "The atlas cannot route this request.", detail: e.Message); }

                var best = scores[0];
                if (!best.Served || !request.Answer) return Results.Json(new RouteResponse(best.Model, best.Served, scores), ServingJson.Options);
                var model = snapshot.Catalog.Find(best.Model)!;
                var prediction = await snapshot.BatcherOf(model).PredictAsync(model.Name, [request.Text], cancellationToken);
                return Results.Json(new RouteResponse(best.Model, true, scores, model.Task, prediction[0]), ServingJson.Options);
            })
            .WithName("Route").WithSummary("Ask the atlas which model should answer a text (predicted scores of every candidate) and answer with it when it is served.")
            .Produces<RouteResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
