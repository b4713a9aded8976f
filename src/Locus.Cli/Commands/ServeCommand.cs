using System.CommandLine;
using Locus.Serving;
using Microsoft.Extensions.Logging;

namespace Locus.Cli.Commands;

/// <summary><c>locus serve</c>: an HTTP server for specialised models (see <see cref="LocusServer"/>); runs until Ctrl+C or SIGTERM.</summary>
public static class ServeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "A model to serve (repeatable): runs/NAME (its promoted, else latest, version), a run version or model folder; NAME=PATH names it.",
            Required = true, AllowMultipleArgumentsPerToken = false,
        };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, separated by ';' (port 0: any free port).", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var apiKey = new Option<string?>("--api-key") { Description = "Require this key on /v1/* and /metrics (Authorization: Bearer KEY or X-Api-Key: KEY); default: $LOCUS_API_KEY, else none." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most texts per micro-batch forward pass.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var maxWait = new Option<int>("--max-wait-ms") { Description = "How long a request waits for others to join its micro-batch.", DefaultValueFactory = _ => 5 }.InRange(0, 10_000);
        var maxChars = new Option<int>("--max-text-chars") { Description = "Longest text accepted, in characters (413 beyond).", DefaultValueFactory = _ => 20_000 }.InRange(1, null);
        var maxTexts = new Option<int>("--max-texts") { Description = "Most texts per request (413 beyond).", DefaultValueFactory = _ => 256 }.InRange(1, null);
        var timeout = new Option<int>("--request-timeout-s") { Description = "Requests taking longer are cancelled (504).", DefaultValueFactory = _ => 60 }.InRange(1, null);
        var baseModel = new Option<string?>("--base") { Description = "Where the adapters' base model is, if it moved." };
        var atlas = new Option<string?>("--atlas") { Description = "A model atlas folder (locus atlas train): adds POST /v1/route, which picks the model most likely to answer a text well." };
        var threads = new Option<int>("--threads") { Description = "CPU threads for inference (0: library default).", DefaultValueFactory = _ => 0 }.InRange(0, 1024);

        var command = new Command("serve", "Serve models over HTTP: adapters of one base share it, requests are micro-batched; /v1/models, /v1/models/{name}/predict, /openapi, /metrics, /healthz, /readyz, and a page at /.");
        foreach (var option in new Option[] { models, urls, apiKey, maxBatch, maxWait, maxChars, maxTexts, timeout, baseModel, atlas, threads }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(threads) is > 0 and var n) TorchSharp.torch.set_num_threads(n);
            var options = new ServeOptions
            {
                Models = parse.GetValue(models)!,
                Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ApiKey = parse.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("LOCUS_API_KEY") is { Length: > 0 } key ? key : null),
                MaxBatch = parse.GetValue(maxBatch),
                MaxWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait)),
                MaxTextChars = parse.GetValue(maxChars),
                MaxTexts = parse.GetValue(maxTexts),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                BaseModel = parse.GetValue(baseModel),
                Atlas = parse.GetValue(atlas),
            };
            using var loggers = CliLogging.CreateFactory(parse.InvocationConfiguration.Error, LogLevel.Information,
                b => b.AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
            await using var server = await LocusServer.StartAsync(options, loggerFactory: loggers, cancellationToken: cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"serving {server.Catalog.Models.Count} model(s) on {string.Join(", ", server.Urls)}");
            await server.WaitForShutdownAsync(cancellationToken);
            parse.InvocationConfiguration.Error.WriteLine("[serve] stopped");
            return LocusCli.Ok;
        });
        return command;
    }
}
