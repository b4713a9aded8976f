using System.Text.Json.Serialization;
using Locus.Models.Safetensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Trainer;

/// <summary>Progress counters saved with a checkpoint.</summary>
/// <param name="Epoch">Last completed epoch.</param>
/// <param name="Step">Optimiser steps taken.</param>
/// <param name="BestEpoch">Epoch of the best dev metric so far.</param>
/// <param name="BestDevMetric">The best dev metric so far.</param>
/// <param name="EpochsWithoutImprovement">Counter for early stopping.</param>
/// <param name="LossCurve">Mean training loss per completed epoch.</param>
/// <param name="DevCurve">Dev metric per completed epoch.</param>
/// <param name="Stopped">True once the phase has ended (all epochs or early stop).</param>
public sealed record TrainerState(
    int Epoch, long Step, int BestEpoch, double BestDevMetric, int EpochsWithoutImprovement,
    List<double> LossCurve, List<double> DevCurve, bool Stopped) : IVersionedJson
{
    /// <summary>The layout of trainer_state.json; files from before it (PascalCase members) are read.</summary>
    public static LocusFileFormat FileFormat { get; } = new("trainer-state", 1) { Legacy = LegacyLayout.DotNetNames };

    /// <inheritdoc/>
    [JsonPropertyOrder(-1)]
    public string? Format { get; set; }

    /// <summary>The state before the first epoch.</summary>
    public static TrainerState Fresh() => new(0, 0, 0, double.NegativeInfinity, 0, [], [], false);

    /// <summary>
    /// The settings that shape the optimisation (schedule, batches per epoch, seed), so that a run is only resumed by
    /// the same run and never continued silently under other settings.
    /// </summary>
    public string? Settings { get; init; }
}

/// <summary>
/// The resumable state of a training phase in a folder: current and best trainable weights, optimiser moments and
/// counters. Each file is written atomically and trainer_state.json last, so an interrupted write (kill -9
/// included) leaves the previous complete checkpoint in force.
/// </summary>
public sealed class TrainingCheckpoint(string directory)
{
    const string StateFile = "trainer_state.json";
    const string CurrentFile = "trainable.safetensors";
    const string BestFile = "best.safetensors";
    const string OptimizerFile = "optimizer.bin";

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>Whether a complete checkpoint exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, StateFile));

    /// <summary>Writes the checkpoint.</summary>
    public void Save(TrainerState state, IReadOnlyList<(string Name, Parameter Parameter)> parameters,
        IReadOnlyDictionary<string, Tensor> best, OptimizerHelper optimizer)
    {
        System.IO.Directory.CreateDirectory(Directory);
        SafetensorsWriter.Write(Path.Combine(Directory, CurrentFile), parameters.ToDictionary(p => p.Name, p => (Tensor)p.Parameter));
        SafetensorsWriter.Write(Path.Combine(Directory, BestFile), best);
        AtomicFile.Write(Path.Combine(Directory, OptimizerFile), stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });
        LocusJson.WriteFile(Path.Combine(Directory, StateFile), state, TrainerState.FileFormat);
    }

    /// <summary>Restores parameters, the best snapshot and the optimiser; returns the counters.</summary>
    public TrainerState Load(IReadOnlyList<(string Name, Parameter Parameter)> parameters, Dictionary<string, Tensor> best, OptimizerHelper optimizer)
    {
        var state = LocusJson.ReadFile<TrainerState>(Path.Combine(Directory, StateFile), TrainerState.FileFormat);

        using (no_grad())
        {
            using var current = SafetensorsFile.Open(Path.Combine(Directory, CurrentFile));
            foreach (var (name, parameter) in parameters)
            {
                if (!current.Entries.ContainsKey(name))
                    throw new LocusException($"checkpoint in {Directory} does not match this run: it lacks '{name}' (delete the folder to start over)");
                using var value = current.Read(name, parameter.dtype);
                parameter.copy_(value);
            }
            using var bestFile = SafetensorsFile.Open(Path.Combine(Directory, BestFile));
            foreach (var name in bestFile.Entries.Keys) best[name] = bestFile.Read(name);
        }

        using var stream = File.OpenRead(Path.Combine(Directory, OptimizerFile));
        using var reader = new BinaryReader(stream);
        optimizer.load_state_dict(reader);
        return state;
    }
}
