using System.Diagnostics;
using System.Globalization;
using Locus.Models.Encoders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Trainer;

/// <summary>
/// Runs one training phase: AdamW without decay on biases and LayerNorm weights, linear warm-up then decay,
/// gradient clipping and accumulation, early stopping on the dev metric with the best weights restored at the end,
/// a checkpoint after every epoch from which an interrupted run resumes, and the same result for the same seed.
/// </summary>
public sealed class Trainer(TrainerOptions options, ILogger? logger = null)
{
    readonly ILogger logger = logger ?? NullLogger.Instance;

    /// <summary>Trains <paramref name="task"/>; resumes from <see cref="TrainerOptions.CheckpointDirectory"/> when it holds a checkpoint.</summary>
    public TrainingResult Train(ITrainingTask task, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        if (task.BatchesPerEpoch == 0) throw new LocusException("no training data: the training set is empty");

        var parameters = task.TrainableParameters;
        using var autocast = options.Bf16 ? StartBf16(task) : null;
        using var checkpointing = options.GradientCheckpointing ? StartCheckpointing(task) : null;
        using var optimizer = ParameterGroups.CreateAdamW(parameters, options.LearningRate, options.WeightDecay);
        var stepsPerEpoch = (task.BatchesPerEpoch + options.GradientAccumulationSteps - 1) / options.GradientAccumulationSteps;
        var totalSteps = (long)stepsPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(options.LearningRate, (long)Math.Round(totalSteps * options.WarmupRatio), totalSteps);

        var best = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var checkpoint = options.CheckpointDirectory is { } dir ? new TrainingCheckpoint(dir) : null;
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"epochs {options.Epochs}, lr {options.LearningRate}, batches/epoch {task.BatchesPerEpoch}, accumulation {options.GradientAccumulationSteps}, warm-up {options.WarmupRatio}, decay {options.WeightDecay}, clip {options.MaxGradNorm}, seed {options.Seed}, bf16 {options.Bf16}{(options.StopAfterEpoch is { } stopAt ? $", stop after epoch {stopAt}" : "")}");
        var state = TrainerState.Fresh() with { Settings = settings };
        if (checkpoint is { Exists: true })
        {
            state = checkpoint.Load(parameters, best, optimizer);
            if (state.Settings != settings)
                throw new LocusException($"the checkpoint in {checkpoint.Directory} was written by a run with other settings ({state.Settings ?? "unknown"}; now {settings}): delete that folder (or choose another output) to start over");
            logger.LogInformation("Resumed from {Directory} after epoch {Epoch}", checkpoint.Directory, state.Epoch);
        }

        if (options.EvaluateBeforeTraining && state.Epoch == 0 && double.IsNegativeInfinity(state.BestDevMetric))
        {
            task.SetTrainingMode(false);
            var start = task.EvaluateDev(cancellationToken);
            Snapshot(parameters, best);
            state = state with { BestEpoch = 0, BestDevMetric = start };
            logger.LogInformation("Before training: dev {Dev:F4}", start);
        }

        var clock = Stopwatch.StartNew();
        var stepsAtStart = state.Step;
        var lastEpoch = options.StopAfterEpoch ?? options.Epochs;
        var fixedLength = options.StopAfterEpoch is not null;
        while (!state.Stopped && state.Epoch < lastEpoch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epoch = state.Epoch + 1;
            var (meanLoss, step) = RunEpoch(task, optimizer, schedule, epoch, state.Step, parameters, progress, clock, stepsAtStart, cancellationToken);

            task.SetTrainingMode(false);
            var dev = task.EvaluateDev(cancellationToken);
            // Ties go to the later epoch (with a few dev examples scores tie often, and more training is the better
            // bet), but only a strict improvement over the trained epochs resets the patience: a saturated dev score
            // still stops training, and starting weights scored before training do not cut it short. A fixed-length
            // run keeps every epoch's weights: its last are the ones wanted.
            var improved = fixedLength || dev >= state.BestDevMetric;
            if (improved) Snapshot(parameters, best);
            // Epochs that have scored nothing yet (an NER model that still predicts only "O" scores F1 0 on a few dev
            // sentences) do not use up patience either: the model has not started to learn the task, so there is no
            // overfitting to stop, and stopping there left few-shot NER models untrained.
            var bestTrained = state.DevCurve.Count == 0 ? double.NegativeInfinity : state.DevCurve.Max();
            var patienceLeft = dev > bestTrained || Math.Max(dev, bestTrained) <= 0 ? 0 : state.EpochsWithoutImprovement + 1;
            var stop = epoch == lastEpoch || (!fixedLength && options.Patience > 0 && patienceLeft >= options.Patience);
            state = state with
            {
                Epoch = epoch, Step = step,
                BestEpoch = improved ? epoch : state.BestEpoch,
                BestDevMetric = improved ? dev : state.BestDevMetric,
                EpochsWithoutImprovement = patienceLeft,
                LossCurve = [.. state.LossCurve, meanLoss], DevCurve = [.. state.DevCurve, dev],
                Stopped = stop,
            };
            checkpoint?.Save(state, parameters, best, optimizer);
            progress?.Report(new TrainingProgress(epoch, options.Epochs, step, totalSteps, meanLoss, schedule.At(Math.Max(0, step - 1)), dev,
                clock.Elapsed, Eta(clock.Elapsed, step - stepsAtStart, totalSteps - step)));
            logger.LogInformation("Epoch {Epoch}: loss {Loss:F4}, dev {Dev:F4}{Best}", epoch, meanLoss, dev, improved ? " (best)" : "");
        }

        Restore(parameters, best);
        foreach (var t in best.Values) t.Dispose();
        return new TrainingResult(state.BestEpoch, state.BestDevMetric, state.Epoch, state.Step, state.LossCurve, state.DevCurve, clock.Elapsed);
    }

    (double MeanLoss, long Step) RunEpoch(ITrainingTask task, OptimizerHelper optimizer, LearningRateSchedule schedule, int epoch, long step,
        IReadOnlyList<(string Name, Parameter Parameter)> parameters, IProgress<TrainingProgress>? progress, Stopwatch clock, long stepsAtStart,
        CancellationToken cancellationToken)
    {
        // Seeding per epoch (not once per run) makes a resumed run draw the same batches and dropout masks.
        torch.manual_seed(options.Seed + epoch);
        task.ShuffleBatches(new Random(options.Seed + epoch));
        task.SetTrainingMode(true);
        var weights = parameters.Select(p => p.Parameter).ToArray();
        ParameterGroups.ClearGradients(weights);

        double lossSum = 0;
        var accumulation = options.GradientAccumulationSteps;
        for (var b = 0; b < task.BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var loss = task.Loss(b);
                lossSum += loss.item<float>();
                loss.div(accumulation).backward();
            }

            var lastOfStep = (b + 1) % accumulation == 0 || b == task.BatchesPerEpoch - 1;
            if (!lastOfStep) continue;
            if (options.MaxGradNorm > 0) nn.utils.clip_grad_norm_(weights, options.MaxGradNorm);
            var learningRate = schedule.At(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
            optimizer.step();
            ParameterGroups.ClearGradients(weights);
            step++;
            progress?.Report(new TrainingProgress(epoch, options.Epochs, step, schedule.TotalSteps, lossSum / (b + 1), learningRate, null,
                clock.Elapsed, Eta(clock.Elapsed, step - stepsAtStart, schedule.TotalSteps - step)));
        }
        return (lossSum / task.BatchesPerEpoch, step);
    }

    Bf16LinearAutocast StartBf16(ITrainingTask task)
    {
        var autocast = new Bf16LinearAutocast(task.Model ?? throw new LocusException("bf16 training needs a task that exposes its model"));
        if (autocast.Layers == 0) logger.LogWarning("bf16: no frozen linear layer to run in bfloat16 (trainable layers stay float32), so it changes nothing here");
        else logger.LogInformation("bf16: {Layers} frozen linear layers compute in bfloat16", autocast.Layers);
        return autocast;
    }

    ActivationCheckpoint.Enabled? StartCheckpointing(ITrainingTask task)
    {
        if (task.Model is not { } model)
        {
            logger.LogWarning("gradient checkpointing: this training task does not expose its model, so it runs without");
            return null;
        }
        var enabled = ActivationCheckpoint.Enable(model);
        if (enabled.Modules == 0) logger.LogWarning("gradient checkpointing: the model has no layer stack that supports it, so it changes nothing here");
        else logger.LogInformation("gradient checkpointing: on for {Modules} layer stack(s)", enabled.Modules);
        return enabled;
    }

    static TimeSpan Eta(TimeSpan elapsed, long stepsDone, long stepsLeft) =>
        stepsDone <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(elapsed.Ticks / stepsDone * Math.Max(0, stepsLeft));

    static void Snapshot(IReadOnlyList<(string Name, Parameter Parameter)> parameters, Dictionary<string, Tensor> best)
    {
        foreach (var (name, parameter) in parameters)
        {
            if (best.Remove(name, out var old)) old.Dispose();
            best[name] = parameter.detach().clone();
        }
    }

    static void Restore(IReadOnlyList<(string Name, Parameter Parameter)> parameters, Dictionary<string, Tensor> best)
    {
        if (best.Count == 0) return;
        using (no_grad())
            foreach (var (name, parameter) in parameters)
                if (best.TryGetValue(name, out var value)) parameter.copy_(value);
    }
}
