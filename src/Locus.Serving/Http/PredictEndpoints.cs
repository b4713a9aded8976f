using System.Diagnostics;
using System.Text.Json;
using Locus.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Locus.Serving.Http;

/// <summary><c>POST /v1/models/{name}/predict</c>: entities or labels for one text or a batch, through the micro-batcher.</summary>
public static class PredictEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static void Map(IEndpointRouteBuilder app, ServerState state)
    {
        app.MapPost("/v1/models/{name}/predict", (string name, HttpContext http, CancellationToken cancellationToken) => PredictAsync(name, http, state, cancellationToken))
            .WithName("Predict")
            .WithSummary("Predict entities (NER) or labels (classification) for one text or a batch of texts.")
            .Accepts<PredictRequest>("application/json")
            .Produces<PredictResponse>()
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    static async Task<IResult> PredictAsync(string name, HttpContext http, ServerState state, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var snapshot = state.Current;
        var model = snapshot.Catalog.Find(name);
        var status = StatusCodes.Status200OK;
        try
        {
            if (model is null)
            {
                status = StatusCodes.Status404NotFound;
                return Results.Problem(statusCode: status, title: "Unknown model.",
                    detail: $"no model named '{name}' is served (see GET /v1/models)", extensions: new Dictionary<string, object?> { ["field"] = "name" });
            }

            var (request, readProblem) = await ReadAsync(http, cancellationToken);
            if (readProblem is not null) return Fail(readProblem, ref status);
            var (texts, problem) = state.Validator.Check(request);
            if (problem is not null) return Fail(problem, ref status);

            IReadOnlyList<Locus.Training.Inference.PredictionRecord> predictions;
            try
            {
                predictions = await snapshot.BatcherOf(model).PredictAsync(model.Name, texts!, cancellationToken);
            }
            catch (Batching.BatcherClosedException) when (state.Current != snapshot && state.Current.Catalog.Find(name) is { } reloaded)
            {
                // The models were reloaded between reading the snapshot and queueing: ask the new one.
                (snapshot, model) = (state.Current, reloaded);
                predictions = await snapshot.BatcherOf(model).PredictAsync(model.Name, texts!, cancellationToken);
            }
            return Results.Json(new PredictResponse(model.Name, model.Task, predictions), ServingJson.Options);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = 499; // the client went away or the request timed out
            throw;
        }
        finally
        {
            state.Metrics.Request(model?.Name ?? "(unknown)", status, clock.Elapsed);
        }
    }

    static IResult Fail(IResult problem, ref int status)
    {
        status = (problem as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status400BadRequest;
        return problem;
    }

    static async Task<(PredictRequest?, IResult?)> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync<PredictRequest>(http.Request.Body, ServingJson.Options, cancellationToken), null);
        }
        catch (JsonException e)
        {
            return (null, RequestValidator.Problem(StatusCodes.Status400BadRequest, string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.'),
                $"not valid JSON for this request: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, RequestValidator.Problem(e.StatusCode, "body", "the request body is over the server's size limit"));
        }
    }
}
