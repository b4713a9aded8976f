using System.CommandLine;
using Locus.Specialization.Runs;
using Locus.Training.FineTuning;

namespace Locus.Cli.Commands;

/// <summary><c>locus merge</c>: fold a LoRA adapter into its base weights and write a standalone Hugging Face model folder.</summary>
public static class MergeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "An adapter folder written by locus train.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the merged model (config.json, model.safetensors, tokenizer).", Required = true };
        var baseModel = new Option<string?>("--base") { Description = "Where the adapter's base model is, if it moved." };

        var command = new Command("merge", "Merge a LoRA adapter into its base model: a standalone Hugging Face folder with no adapter overhead.");
        foreach (var option in new Option[] { model, output, baseModel }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = await ModelLocator.ResolveAsync(parse.GetValue(model)!, cancellationToken);
            using var trained = TrainedModel.Load(folder, parse.GetValue(baseModel), CliLogging.Logger);
            if (trained.Lora is null) throw new LocusException($"{folder} is a full model, not an adapter: there is nothing to merge");
            trained.SaveMerged(parse.GetValue(output)!, folder);
            parse.InvocationConfiguration.Output.WriteLine($"merged model written to {parse.GetValue(output)}");
            return LocusCli.Ok;
        });
        return command;
    }
}
