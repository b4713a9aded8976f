using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Specialization.Runs;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus runs</c>: list, show and compare versioned specialisation runs, and promote or roll back the version in
/// production. Runs live in <c>ROOT/NAME/vN/run.json</c>; the promoted version in <c>ROOT/NAME/production.json</c>.
/// </summary>
public static class RunsCommand
{
    private const string RunHelp = "A run: NAME (its latest version), NAME/vN, NAME/latest, NAME/promoted, or the path of a run folder or its run.json.";

    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var runs = new Command("runs", "Versioned runs: list, show, compare, promote a version to production, roll back.");
        runs.Subcommands.Add(CreateList());
        runs.Subcommands.Add(CreateShow());
        runs.Subcommands.Add(CreateCompare());
        runs.Subcommands.Add(CreatePromote());
        runs.Subcommands.Add(CreateRollback());
        return runs;
    }

    private static Command CreateList()
    {
        var name = new Argument<string?>("name") { Description = "List only the versions of this run.", Arity = ArgumentArity.ZeroOrOne };
        var root = RootOption();
        var json = JsonOption("a JSON array, one object per version");
        var command = new Command("list", "List every version of every run: status, task, key metric, creation time, and which version is promoted.")
        {
            name, root, json,
        };
        SetAction(command, root, async (store, parse, output, error, cancellationToken) =>
        {
            var filter = parse.GetValue(name);
            if (filter is not null && store.ListVersions(filter).Count == 0)
                throw new RunNotFoundException($"no run '{filter}' in {store.Root}");
            var summaries = await store.ListAsync(filter, cancellationToken);
            if (parse.GetValue(json)) output.WriteLine(Json(new JsonArray([.. summaries.Select(SummaryJson)])));
            else if (summaries.Count == 0) output.WriteLine($"no runs in {store.Root}");
            else output.Write(SummaryTable(summaries));
            return ReportProblems(summaries, error);
        });
        return command;
    }

    private static Command CreateShow()
    {
        var run = new Argument<string>("run") { Description = RunHelp };
        var root = RootOption();
        var json = JsonOption("a JSON object: run, folder, promoted, manifest (run.json as is) and the name's versions");
        var command = new Command("show", "Show one run: settings, inputs with hashes, stages, metrics, artefacts, software versions; marks the promoted version.")
        {
            run, root, json,
        };
        SetAction(command, root, async (store, parse, output, error, cancellationToken) =>
        {
            var reference = await store.ResolveAsync(parse.GetValue(run)!, cancellationToken);
            var manifest = await store.LoadAsync(reference, cancellationToken);
            // A run given by path outside this store has no sibling versions or pointer to show.
            var inStore = Path.GetDirectoryName(reference.Folder) == store.NameFolder(reference.Name);
            var versions = inStore ? await store.ListAsync(reference.Name, cancellationToken) : [];
            var promoted = versions.Any(v => v.Promoted && v.Run.Version == reference.Version);
            if (parse.GetValue(json))
            {
                output.WriteLine(Json(new JsonObject
                {
                    ["run"] = reference.ToString(),
                    ["folder"] = reference.Folder,
                    ["promoted"] = promoted,
                    ["manifest"] = JsonSerializer.SerializeToNode(manifest, RunManifestJson.Options),
                    ["versions"] = new JsonArray([.. versions.Select(SummaryJson)]),
                }));
            }
            else
            {
                output.Write(RunDescription.ToText(reference, manifest, promoted));
                if (versions.Count > 0) output.Write($"\nversions of {reference.Name}:\n{SummaryTable(versions)}");
            }
            return ReportProblems(versions, error);
        });
        return command;
    }

    private static Command CreateCompare()
    {
        var runs = new Argument<string[]>("runs") { Description = RunHelp + " The first is the baseline for deltas.", Arity = new ArgumentArity(2, 64) };
        var root = RootOption();
        var json = JsonOption("a JSON object: runs, settings that differ, metrics with deltas, stages");
        var command = new Command("compare", "Compare two or more runs side by side: settings that differ, metrics with deltas against the first run, stage counts and durations.")
        {
            runs, root, json,
        };
        SetAction(command, root, async (store, parse, output, _, cancellationToken) =>
        {
            var manifests = new List<RunManifest>();
            foreach (var spec in parse.GetValue(runs)!)
                manifests.Add(await store.LoadAsync(await store.ResolveAsync(spec, cancellationToken), cancellationToken));
            var comparison = RunComparer.Compare(manifests);
            if (parse.GetValue(json)) output.WriteLine(RunManifestJson.Serialize(comparison));
            else output.Write(comparison.ToText());
            return LocusCli.Ok;
        });
        return command;
    }

    private static Command CreatePromote()
    {
        var run = new Argument<string>("run") { Description = RunHelp };
        var root = RootOption();
        var reason = ReasonOption();
        var user = UserOption();
        var force = new Option<bool>("--force") { Description = "Promote a run that has not completed (running, failed or interrupted)." };
        var json = JsonOption("the name's production record (promoted version and history) as JSON");
        var command = new Command("promote", "Point production at a completed run version; the change is recorded with who, when, from which version and why.")
        {
            run, root, reason, user, force, json,
        };
        SetAction(command, root, async (store, parse, output, _, cancellationToken) =>
        {
            var reference = await store.ResolveAsync(parse.GetValue(run)!, cancellationToken);
            var before = await store.ReadPromotionAsync(reference.Name, cancellationToken);
            var options = new PromotionOptions { Reason = parse.GetValue(reason), User = parse.GetValue(user), Force = parse.GetValue(force) };
            var after = await store.PromoteAsync(reference, options, cancellationToken);
            if (parse.GetValue(json)) output.WriteLine(RunManifestJson.Serialize(after));
            else if (after.History.Count == before.History.Count) output.WriteLine($"{reference} is already promoted");
            else output.WriteLine($"promoted {reference}" + (before.Promoted is { } previous ? $" (was v{previous})" : ""));
            return LocusCli.Ok;
        });
        return command;
    }

    private static Command CreateRollback()
    {
        var name = new Argument<string>("name") { Description = "The run name whose production pointer goes back to the previously promoted version." };
        var root = RootOption();
        var reason = ReasonOption();
        var user = UserOption();
        var json = JsonOption("the name's production record (promoted version and history) as JSON");
        var command = new Command("rollback", "Return production to the version promoted before the current one (repeatable, following the promotion history).")
        {
            name, root, reason, user, json,
        };
        SetAction(command, root, async (store, parse, output, _, cancellationToken) =>
        {
            var runName = parse.GetValue(name)!;
            if (store.ListVersions(runName).Count == 0) throw new RunNotFoundException($"no run '{runName}' in {store.Root}");
            var record = await store.RollbackAsync(runName, new PromotionOptions { Reason = parse.GetValue(reason), User = parse.GetValue(user) }, cancellationToken);
            if (parse.GetValue(json)) output.WriteLine(RunManifestJson.Serialize(record));
            else output.WriteLine($"rolled back {runName} to v{record.Promoted} (was v{record.History[^1].Previous})");
            return LocusCli.Ok;
        });
        return command;
    }

    private delegate Task<int> RunsAction(RunStore store, ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken);

    // An unknown run is a usage mistake (exit 2); other LocusExceptions (corrupt files, refused promotions) reach
    // LocusCli and exit 1.
    private static void SetAction(Command command, Option<string> root, RunsAction action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var store = new RunStore(parse.GetValue(root)!);
                return await action(store, parse, parse.InvocationConfiguration.Output, error, cancellationToken);
            }
            catch (RunNotFoundException e)
            {
                error.WriteLine($"error: {e.Message}");
                return LocusCli.Usage;
            }
        });

    private static Option<string> RootOption() => new("--root")
    {
        Description = "The run store's folder (holding NAME/vN/run.json).",
        DefaultValueFactory = _ => "runs",
    };

    private static Option<bool> JsonOption(string what) => new("--json") { Description = $"Print {what}." };

    private static Option<string?> ReasonOption() => new("--reason") { Description = "Why, recorded in the promotion history." };

    private static Option<string?> UserOption() => new("--user") { Description = "Who, recorded in the promotion history (default: the current user name)." };

    private static string SummaryTable(IReadOnlyList<RunSummary> summaries)
    {
        var table = new TextTable("NAME", "VERSION", "STATUS", "TASK", "KEY METRIC", "CREATED", "PROMOTED");
        foreach (var s in summaries)
        {
            var m = s.Manifest;
            table.Add(
                s.Run.Name,
                $"v{s.Run.Version}",
                m is null ? "corrupt" : m.Status.ToString().ToLowerInvariant(),
                m?.Task.ToName() ?? "-",
                s.KeyMetric is { } key ? $"{key.Path}={TextTable.Score(key.Value)}" : "-",
                m is null ? "-" : TextTable.Utc(m.CreatedUtc),
                s.Promoted ? "*" : "");
        }
        return table.ToString();
    }

    private static JsonObject SummaryJson(RunSummary s) => new()
    {
        ["name"] = s.Run.Name,
        ["version"] = s.Run.Version,
        ["id"] = s.Manifest?.Id,
        ["status"] = s.Manifest is { } m ? JsonSerializer.SerializeToNode(m.Status, LocusJson.Options) : "corrupt",
        ["task"] = s.Manifest?.Task.ToName(),
        ["key_metric"] = s.KeyMetric is { } key ? new JsonObject { ["path"] = key.Path, ["value"] = key.Value } : null,
        ["created_utc"] = s.Manifest?.CreatedUtc,
        ["finished_utc"] = s.Manifest?.FinishedUtc,
        ["promoted"] = s.Promoted,
        ["folder"] = s.Run.Folder,
        ["problem"] = s.Problem,
    };

    // Listings still print when some manifests are corrupt, but the problems go to stderr and the exit code says so.
    private static int ReportProblems(IReadOnlyList<RunSummary> summaries, TextWriter error)
    {
        var problems = summaries.Select(s => s.Problem).OfType<string>().Distinct().ToList();
        foreach (var problem in problems) error.WriteLine($"error: {problem}");
        return problems.Count == 0 ? LocusCli.Ok : LocusCli.Failed;
    }

    private static string Json(JsonNode node) => node.ToJsonString(RunManifestJson.Options);
}
