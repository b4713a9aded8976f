using System.CommandLine;
using System.Text.Json;
using Locus.Models.Builtin;
using Locus.Models.Onnx;

namespace Locus.Cli.Commands;

/// <summary><c>locus model import</c> and <c>locus model list</c>: ONNX exports and the built-in encoders as Hugging Face folders.</summary>
public static class ModelImportCommand
{
    /// <summary>Creates <c>locus model import</c>.</summary>
    public static Command CreateImport()
    {
        var onnx = new Option<string>("--onnx") { Description = "ONNX export of a BERT-family encoder (torch.onnx.export or optimum, unfused; weights inside the file).", Required = true };
        var vocab = new Option<string>("--vocab") { Description = "The model's WordPiece vocab.txt.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write (config.json, model.safetensors, vocab.txt, tokenizer_config.json); must not exist or be empty.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("import", "Convert an ONNX export of a BERT-family encoder (BERT, MiniLM, E5, BGE) into a Hugging Face folder that every locus command loads.")
        {
            onnx, vocab, output, json,
        };
        command.SetAction(parse =>
        {
            var result = BertOnnxImporter.Import(parse.GetValue(onnx)!, parse.GetValue(vocab)!, parse.GetValue(output)!);
            var c = result.Config;
            if (parse.GetValue(json))
                parse.InvocationConfiguration.Output.WriteLine(LocusJson.Serialize(new Dictionary<string, object>
                {
                    ["folder"] = result.Folder, ["parameters"] = result.Parameters, ["mapped_from_graph"] = result.MappedFromGraph,
                    ["do_lower_case"] = result.DoLowerCase, ["config"] = c.ToJson(),
                }));
            else
                parse.InvocationConfiguration.Output.WriteLine(
                    $"imported a BERT encoder ({c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, intermediate {c.IntermediateSize}, " +
                    $"vocabulary {c.VocabSize:N0}, {(result.DoLowerCase ? "uncased" : "cased")}, {result.Parameters:N0} parameters; " +
                    $"{result.MappedFromGraph} weight matrices named through the graph) into {result.Folder}");
            return LocusCli.Ok;
        });
        return command;
    }

    /// <summary>Creates <c>locus model list</c>.</summary>
    public static Command CreateList()
    {
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        var command = new Command("list", "List the built-in models (usable offline as builtin:NAME) and whether each is already in the local model cache.") { json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var models = BuiltinModels.List();
            if (parse.GetValue(json))
            {
                output.WriteLine(LocusJson.Serialize(models.Select(m => new Dictionary<string, object>
                {
                    ["name"] = m.Model.Reference, ["description"] = m.Model.Description, ["package"] = $"{m.Model.PackageId} {m.Model.PackageVersion}",
                    ["pooling"] = m.Model.Pooling, ["query_prefix"] = m.Model.QueryPrefix, ["cached"] = m.Cached, ["package_available"] = m.PackageAvailable, ["folder"] = m.Folder,
                })));
                return LocusCli.Ok;
            }
            foreach (var m in models)
            {
                output.WriteLine($"{m.Model.Reference,-26} {(m.Cached ? "cached" : m.PackageAvailable ? "not yet materialised" : "package missing")}");
                output.WriteLine($"  {m.Model.Description}");
                output.WriteLine($"  from {m.Model.PackageId} {m.Model.PackageVersion}; sentence pooling {m.Model.Pooling}{(m.Model.QueryPrefix.Length > 0 ? $", query prefix \"{m.Model.QueryPrefix}\"" : "")}; {m.Folder}");
            }
            return LocusCli.Ok;
        });
        return command;
    }
}
