using System.Text.Json.Nodes;
using Locus.Training.Inference;

namespace Locus.Serving.Http;

/// <summary>The body of <c>POST /v1/models/{name}/predict</c>: one <c>text</c> or a batch of <c>texts</c>.</summary>
/// <param name="Text">One text.</param>
/// <param name="Texts">Several texts (answered in order).</param>
public sealed record PredictRequest(string? Text = null, IReadOnlyList<string?>? Texts = null);

/// <summary>The answer of a prediction: the model, its task and one prediction per text, in order.</summary>
/// <param name="Model">The served model's name.</param>
/// <param name="Task">"ner" or "classification".</param>
/// <param name="Predictions">NER: spans with character offsets into the text; classification: label(s) and probabilities.</param>
public sealed record PredictResponse(string Model, string Task, IReadOnlyList<PredictionRecord> Predictions);

/// <summary>A served model as <c>GET /v1/models</c> lists it.</summary>
/// <param name="Name">The name in URLs.</param>
/// <param name="Task">"ner" or "classification".</param>
/// <param name="Kind">"adapter" (LoRA on a shared base) or "full" (merged or fully fine-tuned).</param>
/// <param name="Labels">Entity types (NER) or class labels.</param>
/// <param name="MultiLabel">Whether a text may get several labels.</param>
/// <param name="Run">The run version (<c>NAME/vN</c>) it came from, if any.</param>
/// <param name="BaseModel">The base model an adapter applies to.</param>
/// <param name="KeyMetric">The run's key metric (e.g. <c>test.f1</c> and its value), if any.</param>
/// <param name="Metrics">The run's recorded metrics (e.g. <c>{"test": {"f1": 0.95}}</c>), if any.</param>
public sealed record ModelInfo(string Name, string Task, string Kind, IReadOnlyList<string> Labels, bool MultiLabel, string? Run, string? BaseModel,
    Locus.Specialization.Runs.MetricValue? KeyMetric, JsonObject? Metrics);

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
/// <param name="Models">The served models.</param>
/// <param name="Router">Whether <c>POST /v1/route</c> is available (the server has an atlas).</param>
public sealed record ModelList(IReadOnlyList<ModelInfo> Models, bool Router = false);

/// <summary>The answer of <c>/healthz</c> and <c>/readyz</c>.</summary>
/// <param name="Status">"ok", "ready" or "stopping".</param>
/// <param name="Models">How many models are loaded (readiness only).</param>
public sealed record HealthStatus(string Status, int? Models = null);
