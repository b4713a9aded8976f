using Locus.Data;
using Locus.Models.Hub;

namespace Locus.Cli.Commands.Training;

/// <summary>Reading the inputs that the training commands share: data files, label lists and base models.</summary>
internal static class CommandInputs
{
    /// <summary>Reads every example of a data file; all must be of <paramref name="task"/>.</summary>
    public static async Task<List<Example>> ReadExamplesAsync(string path, DataTask task, CancellationToken cancellationToken)
    {
        var examples = new List<Example>();
        await foreach (var record in DatasetReader.ReadAsync(path, new DatasetReadOptions { Task = task }, cancellationToken: cancellationToken))
        {
            if (record.Example.Task != task)
                throw new DataFormatException(record.Source, record.Line, null, $"a {record.Example.Task.ToName()} example in {task.ToName()} data");
            examples.Add(record.Example);
        }
        if (examples.Count == 0) throw new LocusException($"{path}: no examples");
        return examples;
    }

    /// <summary>The label list: from the schema file when given, else every label seen in the examples, sorted.</summary>
    public static async Task<IReadOnlyList<string>> LabelsAsync(string? schemaPath, IEnumerable<Example> examples, CancellationToken cancellationToken)
    {
        if (schemaPath is not null) return (await LabelSchemaFile.LoadAsync(schemaPath, cancellationToken)).Labels.Select(l => l.Name).ToList();
        return examples.SelectMany(e => e switch
        {
            NerExample n => n.Spans.Select(s => s.Label),
            ClassificationExample c => c.Labels,
            _ => [],
        }).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A local model folder, or a hub id downloaded into (or found in) the Hugging Face cache.</summary>
    public static async Task<string> ResolveModelAsync(string model, CancellationToken cancellationToken)
    {
        if (Directory.Exists(model)) return model;
        using var http = HubModelResolver.CreateHttpClient();
        var resolved = await new HubModelResolver(http, HubOptions.FromEnvironment(), CliLogging.LoggerFor<HubModelResolver>()).ResolveAsync(model, cancellationToken: cancellationToken);
        return resolved.Folder;
    }

    /// <summary>Parses a task name given on the command line.</summary>
    public static DataTask ParseTask(string name) =>
        DataTasks.TryParse(name) ?? throw new LocusException($"unknown task '{name}' (use ner or classification)");
}
