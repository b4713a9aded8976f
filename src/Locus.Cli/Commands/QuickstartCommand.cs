using System.CommandLine;
using System.Reflection;
using Locus.Models.Builtin;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus quickstart</c>: the offline end-to-end demonstration on the embedded sample data (tech-news NER with
/// four entity types): specialise the built-in all-MiniLM-L6-v2 from the 24 seed examples with the offline pipeline
/// (retrieval with the built-in sentence encoder, mention replacement, self-training, LoRA fine-tuning), evaluate on
/// the held-out test set and predict on the corpus. Every step is a real locus command.
/// </summary>
public static class QuickstartCommand
{
    static readonly string[] SampleFiles = ["labels.json", "seeds.jsonl", "corpus.txt", "test.jsonl"];

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Working folder for the sample data and the models.", DefaultValueFactory = _ => "quickstart" };
        var command = new Command("quickstart", "Run the offline end-to-end demonstration on the embedded sample data: specialise the built-in all-MiniLM-L6-v2, evaluate, predict.");
        command.Options.Add(dir);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(dir)!;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Directory.CreateDirectory(root);
            foreach (var name in SampleFiles) WriteSample(name, Path.Combine(root, name));
            string P(string name) => Path.Combine(root, name);

            string[][] steps =
            [
                ["specialize", "--task", "ner", "--schema", P("labels.json"), "--seeds", P("seeds.jsonl"), "--corpus", P("corpus.txt"), "--test", P("test.jsonl"),
                    "--base", BuiltinModels.DefaultReference, "--out", P("runs/tech-ner")],
                ["eval", "--model", P("runs/tech-ner"), "--data", P("test.jsonl")],
                ["predict", "--model", P("runs/tech-ner"), "--in", P("corpus.txt"), "--out", P("predictions.jsonl")],
                ["runs", "list", "--root", P("runs")],
            ];
            // Each step runs as its own invocation: the logging options go along.
            string[] logging = parse.GetValue<bool>(LocusCli.VerboseOption) ? [LocusCli.VerboseOption]
                : parse.GetValue<bool>(LocusCli.QuietOption) ? [LocusCli.QuietOption] : [];
            foreach (var step in steps)
            {
                output.WriteLine($"$ locus {string.Join(' ', step)}");
                var code = await LocusCli.RunAsync([.. step, .. logging], output, error);
                if (code != LocusCli.Ok) return code;
                output.WriteLine();
            }
            output.WriteLine($"Done: the run (model, data of every stage, run.json) is in {P("runs/tech-ner")}, predictions for the corpus in {P("predictions.jsonl")}.");
            output.WriteLine($"Domain-adaptive pre-training is optional: 'locus pretrain --corpus {P("corpus.txt")} --base {BuiltinModels.DefaultReference} --out {P("encoder")}', then specialise with --base {P("encoder")}.");
            return LocusCli.Ok;
        });
        return command;
    }

    static void WriteSample(string name, string path)
    {
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Locus.Samples.{name}")
            ?? throw new InvalidOperationException($"sample {name} is not embedded");
        AtomicFile.Write(path, resource.CopyTo);
    }
}
