using Locus.Atlas;
using Locus.Serving.Batching;
using Locus.Serving.Http;
using Locus.Serving.Models;
using Locus.Serving.Routing;
using Locus.Serving.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;

namespace Locus.Serving;

/// <summary>
/// <c>locus serve</c> as a library: a Kestrel minimal-API server over a <see cref="ModelCatalog"/>, with one micro-batcher
/// per shared base model, problem documents for bad requests, an optional API key, request timeouts, Prometheus
/// metrics, an OpenAPI document and a page to try the models. Stopping drains in-flight requests first.
/// </summary>
public sealed class LocusServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ModelCatalog catalog;
    readonly bool ownsCatalog;
    readonly IReadOnlyList<MicroBatcher> batchers;
    readonly ModelAtlas? atlas;
    int stopped;

    LocusServer(WebApplication app, ModelCatalog catalog, bool ownsCatalog, IReadOnlyList<MicroBatcher> batchers, IReadOnlyList<string> urls, ModelAtlas? atlas)
    {
        this.atlas = atlas;
        this.app = app;
        this.catalog = catalog;
        this.ownsCatalog = ownsCatalog;
        this.batchers = batchers;
        Urls = urls;
    }

    /// <summary>The addresses the server listens on (with the ports actually bound).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>The served models.</summary>
    public ModelCatalog Catalog => catalog;

    /// <summary>The batchers, one per backend (shared base or full model).</summary>
    public IReadOnlyList<MicroBatcher> Batchers => batchers;

    /// <summary>Fires when the server begins to stop (a signal, or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => app.Lifetime.ApplicationStopping;

    /// <summary>
    /// Loads the models of <paramref name="options"/> (unless <paramref name="catalog"/> is given, which the server then
    /// does not dispose) and starts listening.
    /// </summary>
    public static async Task<LocusServer> StartAsync(ServeOptions options, ModelCatalog? catalog = null, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Locus.Serving");
        var owns = catalog is null;
        ModelAtlas? atlas = null;
        catalog ??= await ModelCatalog.LoadAsync(options.Models, options.BaseModel, options.MaxBatch, logger, cancellationToken);
        try
        {
            var app = Build(options, loggerFactory);
            var metrics = app.Services.GetRequiredService<ServingMetrics>();
            var batching = new BatchingOptions(options.MaxBatch, options.MaxWait);
            var batchers = catalog.Backends.ToDictionary(b => b, b => new MicroBatcher(b, batching, metrics, logger));
            atlas = options.Atlas is null ? null : ModelAtlas.Load(options.Atlas);
            var state = new ServerState(catalog, batchers, options, metrics) { Router = atlas is null ? null : new AtlasRouter(atlas, catalog) };
            Configure(app, state, options);
            app.Lifetime.ApplicationStopping.Register(() => state.Ready = false);
            await app.StartAsync(cancellationToken);
            state.Ready = true;
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [.. options.Urls];
            foreach (var url in urls) logger.LogInformation("listening on {Url}", url);
            return new LocusServer(app, catalog, owns, batchers.Values.ToList(), urls, atlas);
        }
        catch
        {
            atlas?.Dispose();
            if (owns) catalog.Dispose();
            throw;
        }
    }

    static WebApplication Build(ServeOptions options, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 + (long)options.MaxTexts * (options.MaxTextChars * 6L + 16));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(json => ServingJson.Apply(json.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = options.RequestTimeout });
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Locus serve";
            document.Info.Description = "Specialised NER and text-classification models: list them, predict with them.";
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton<ServingMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServingMetrics.MeterName)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder.Build();
    }

    static void Configure(WebApplication app, ServerState state, ServeOptions options)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.ApiKey is { } key) app.UseMiddleware<ApiKeyMiddleware>(key);
        app.UseRequestTimeouts();
        PageEndpoint.Map(app);
        HealthEndpoints.Map(app, state);
        ModelEndpoints.Map(app, state);
        PredictEndpoints.Map(app, state);
        if (state.Router is { } router) RouteEndpoints.Map(app, state, router);
        app.MapOpenApi("/openapi");
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>Waits until <paramref name="cancellationToken"/> fires or the host is told to stop, then stops gracefully.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => stopping.TrySetResult()))
        using (app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
            await stopping.Task;
        await StopAsync();
    }

    /// <summary>Stops listening, lets in-flight requests finish (up to the shutdown timeout), then stops the batchers.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        await app.StopAsync(cancellationToken);
        foreach (var batcher in batchers) await batcher.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
        if (ownsCatalog) catalog.Dispose();
        atlas?.Dispose();
    }
}
