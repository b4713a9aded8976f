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
    readonly ServerState state;
    readonly List<ModelCatalog> owned = [];
    readonly ModelAtlas? atlas;
    readonly ILogger logger;
    readonly SemaphoreSlim reloading = new(1, 1);
    int stopped;

    LocusServer(WebApplication app, ServerState state, ModelCatalog? ownedInitial, ModelAtlas? atlas, ILogger logger)
    {
        this.app = app;
        this.state = state;
        if (ownedInitial is not null) owned.Add(ownedInitial);
        this.atlas = atlas;
        this.logger = logger;
    }

    /// <summary>The addresses the server listens on (with the ports actually bound).</summary>
    public IReadOnlyList<string> Urls { get; private set; } = [];

    /// <summary>The served models.</summary>
    public ModelCatalog Catalog => state.Current.Catalog;

    /// <summary>The batchers, one per backend (shared base or full model).</summary>
    public IReadOnlyList<MicroBatcher> Batchers => [.. state.Current.Batchers.Values];

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
            atlas = options.Atlas is null ? null : ModelAtlas.Load(options.Atlas);
            var state = new ServerState(Snapshot(catalog, options, metrics, logger, atlas), options, metrics);
            var server = new LocusServer(app, state, owns ? catalog : null, atlas, logger);
            Configure(app, state, options, server);
            app.Lifetime.ApplicationStopping.Register(() => state.Ready = false);
            await app.StartAsync(cancellationToken);
            state.Ready = true;
            server.Urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [.. options.Urls];
            foreach (var url in server.Urls) logger.LogInformation("listening on {Url}", url);
            return server;
        }
        catch
        {
            atlas?.Dispose();
            if (owns) catalog.Dispose();
            throw;
        }
    }

    static ServingSnapshot Snapshot(ModelCatalog catalog, ServeOptions options, ServingMetrics metrics, ILogger logger, ModelAtlas? atlas)
    {
        var batching = new BatchingOptions(options.MaxBatch, options.MaxWait);
        return new ServingSnapshot(catalog, catalog.Backends.ToDictionary(b => b, b => new MicroBatcher(b, batching, metrics, logger)),
            atlas is null ? null : new AtlasRouter(atlas, catalog));
    }

    /// <summary>
    /// Loads the served references again (a run resolves to the version promoted now, so <c>runs promote</c> and
    /// <c>rollback</c> take effect), switches new requests to them, then lets the old batchers finish their queues and
    /// frees the old models. On a load error the old models stay.
    /// </summary>
    public async Task<ModelCatalog> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            var old = state.Current;
            var catalog = await old.Catalog.ReloadAsync(logger, cancellationToken);
            owned.Add(catalog);
            state.Current = Snapshot(catalog, state.Options, state.Metrics, logger, atlas);
            foreach (var batcher in old.Batchers.Values) await batcher.DisposeAsync();
            if (owned.Remove(old.Catalog)) old.Catalog.Dispose();
            logger.LogInformation("reloaded {Count} model(s): {Models}", catalog.Models.Count, string.Join(", ", catalog.Models.Select(m => m.Run ?? m.Name)));
            return catalog;
        }
        finally
        {
            reloading.Release();
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

    static void Configure(WebApplication app, ServerState state, ServeOptions options, LocusServer server)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.ApiKey is { } key) app.UseMiddleware<ApiKeyMiddleware>(key);
        app.UseRequestTimeouts();
        PageEndpoint.Map(app);
        HealthEndpoints.Map(app, state);
        ModelEndpoints.Map(app, state);
        PredictEndpoints.Map(app, state);
        if (state.Routing) RouteEndpoints.Map(app, state);
        AdminEndpoints.Map(app, state, server.ReloadAsync);
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
        foreach (var batcher in state.Current.Batchers.Values) await batcher.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
        foreach (var catalog in owned) catalog.Dispose();
        atlas?.Dispose();
        reloading.Dispose();
    }
}
