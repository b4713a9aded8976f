using System.CommandLine;
using System.Text.Json;
using Locus.Models.Hub;

namespace Locus.Cli.Commands;

/// <summary><c>locus model</c>: fetch and inspect models in Hugging Face layout.</summary>
public static class ModelCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var model = new Command("model", "Fetch, import, list and inspect models in Hugging Face layout (config.json, model.safetensors, tokenizer files).");
        model.Subcommands.Add(CreateDownload());
        model.Subcommands.Add(ModelInfoCommand.Create());
        model.Subcommands.Add(ModelImportCommand.CreateImport());
        model.Subcommands.Add(ModelImportCommand.CreateList());
        return model;
    }

    private static Command CreateDownload()
    {
        var id = new Argument<string>("id") { Description = "Hugging Face model id, org/name or org/name@revision (e.g. microsoft/deberta-v3-small)." };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit sha to download (overrides @revision; default main)." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Hugging Face cache folder (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Hub address (default: HF_ENDPOINT, else https://huggingface.co)." };
        var refresh = new Option<bool>("--refresh") { Description = "Ask the hub for the revision's latest commit even when the cache already holds a complete snapshot." };
        var json = new Option<bool>("--json") { Description = "Print a JSON object (folder, repo, revision, commit, source, files, bytes_downloaded) instead of the folder path." };
        var download = new Command("download", "Download a model from the Hugging Face hub into the Hugging Face cache and print its local folder. "
            + "Uses HF_TOKEN for private or gated models and HF_HUB_OFFLINE=1 to read the cache only.")
        {
            id, revision, cacheDir, endpoint, refresh, json,
        };
        download.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = HubOptions.FromEnvironment();
            if (parse.GetValue(cacheDir) is { } folder) options.CacheDirectory = folder;
            if (parse.GetValue(endpoint) is { } address) options.Endpoint = address.TrimEnd('/');
            options.RefreshRevision = parse.GetValue(refresh);
            var modelId = HubModelId.Parse(parse.GetValue(id)!);
            if (parse.GetValue(revision) is { } pinned) modelId = new HubModelId(modelId.RepoId, pinned);

            using var http = HubModelResolver.CreateHttpClient();
            var resolver = new HubModelResolver(http, options, CliLogging.LoggerFor<HubModelResolver>());
            var resolved = await resolver.DownloadAsync(modelId, new LineProgress(error), cancellationToken);
            if (parse.GetValue(json)) output.WriteLine(ToJson(resolved));
            else output.WriteLine(resolved.Folder);
            return LocusCli.Ok;
        });
        return download;
    }

    /// <summary>The name --json output gives a model's source: "local", "cache" or "hub".</summary>
    internal static string SourceName(ModelSource source) => source switch { ModelSource.Cache => "cache", ModelSource.Hub => "hub", ModelSource.Builtin => "builtin", _ => "local" };

    private static string ToJson(ResolvedModel model) => LocusJson.Serialize(new Dictionary<string, object?>
    {
        ["folder"] = model.Folder,
        ["repo"] = model.Id?.RepoId,
        ["revision"] = model.Id?.Revision,
        ["commit"] = model.Commit,
        ["source"] = SourceName(model.Source),
        ["files"] = model.Files,
        ["bytes_downloaded"] = model.BytesDownloaded,
    });

    /// <summary>
    /// Plain progress lines on stderr: one when a file starts, one per tenth of it, one when it ends.
    /// Written synchronously (unlike <see cref="Progress{T}"/>) so lines never arrive after the result.
    /// </summary>
    internal sealed class LineProgress(TextWriter error) : IProgress<HubDownloadProgress>
    {
        private string? _file;
        private int _lastTenth = -1;

        public void Report(HubDownloadProgress value)
        {
            var tenth = value.TotalBytes is > 0 and var total ? (int)(10 * value.BytesDone / total) : -1;
            if (value.FileName == _file && tenth == _lastTenth) return;
            _file = value.FileName;
            _lastTenth = tenth;
            var size = value.TotalBytes is { } bytes ? $"{Size(value.BytesDone)} / {Size(bytes)}" : Size(value.BytesDone);
            error.WriteLine($"download {value.FileName}: {size}");
        }

        private static string Size(long bytes) => bytes switch
        {
            < 1_000 => $"{bytes} B",
            < 1_000_000 => Format(bytes / 1e3, "kB"),
            < 1_000_000_000 => Format(bytes / 1e6, "MB"),
            _ => Format(bytes / 1e9, "GB"),
        };

        private static string Format(double value, string unit) =>
            value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " " + unit;
    }
}
