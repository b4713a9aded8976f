using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Locus.Training.Lora;

/// <summary>
/// Puts LoRA adapters on the linear layers of any TorchSharp model without changing its code: a forward hook
/// on each target adds the active adapter's update. Several adapters can live on one base and be switched per
/// request; each keeps its own copy of the <see cref="LoraConfig.ModulesToSave"/> (the task head), as PEFT does, and
/// heads may differ in shape between adapters (another label count), so adapters for different label sets share a base.
/// The active adapter can be merged into the base weights (no inference overhead) and unmerged again.
/// Models must invoke their layers with <c>call(x)</c>, TorchSharp's counterpart of Python's <c>module(x)</c>,
/// which runs hooks (a direct <c>forward(x)</c> bypasses them), as the Locus encoders do.
/// </summary>
public sealed class LoraModel : IDisposable
{
    readonly nn.Module model;
    readonly Dictionary<string, Linear> linears;
    readonly Dictionary<string, Adapter> adapters = new(StringComparer.Ordinal);
    readonly List<Action> hookRemovers = [];
    readonly HashSet<string> hooked = new(StringComparer.Ordinal);
    readonly Dictionary<string, Tensor> baseModules = new(StringComparer.Ordinal);

    sealed record Adapter(LoraConfig Config, Dictionary<string, LoraLayer> Layers, Dictionary<string, Tensor> SavedModules);

    /// <summary>Wraps <paramref name="model"/>; its own parameters stay where they are.</summary>
    public LoraModel(nn.Module model)
    {
        this.model = model;
        linears = model.named_modules()
            .Where(m => m.module is Linear)
            .ToDictionary(m => m.name, m => (Linear)m.module, StringComparer.Ordinal);
    }

    /// <summary>The wrapped model.</summary>
    public nn.Module Model => model;

    Tensor? rowAdapterIds;
    List<string>? stackedOrder;
    Dictionary<string, (Tensor A, Tensor B)>? stacks;

    /// <summary>
    /// Mixed batches (inference only): row <c>i</c> of the next forward passes gets the update of adapter
    /// <paramref name="rowAdapter"/>[i]. The base computation is shared by every row; the low-rank updates of all rows
    /// run as two batched matrix products per layer over the adapters' A and B stacked once (ranks padded with zeros,
    /// scaling folded into B), whatever the number of adapters. Null goes back to the active adapter for every row.
    /// The task heads are not switched per row: read features and apply each adapter's head yourself.
    /// </summary>
    public void SetRowAdapters(IReadOnlyList<string>? rowAdapter)
    {
        rowAdapterIds?.Dispose();
        rowAdapterIds = null;
        if (rowAdapter is null) return;
        if (IsMerged) Unmerge();
        if (stacks is null) Stack();
        var index = stackedOrder!.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (long)p.i, StringComparer.Ordinal);
        rowAdapterIds = tensor(rowAdapter.Select(a => index.TryGetValue(a, out var i) ? i : throw new LocusException($"no adapter named '{a}'")).ToArray())
            .DetachFromDisposeScope();
    }

    /// <summary>Stacks every adapter's A [r, in] and scaled B [out, r] per adapted layer (zeros where an adapter leaves a layer alone).</summary>
    void Stack()
    {
        DropStacks();
        stackedOrder = [.. adapters.Keys];
        stacks = new Dictionary<string, (Tensor, Tensor)>(StringComparer.Ordinal);
        var rank = adapters.Values.SelectMany(a => a.Layers.Values).Select(l => l.A.shape[0]).DefaultIfEmpty(0).Max();
        using var noGrad = no_grad();
        foreach (var path in hooked)
        {
            var weight = linears[path].weight!;
            long inFeatures = weight.shape[1], outFeatures = weight.shape[0];
            var a = zeros(stackedOrder.Count, rank, inFeatures);
            var b = zeros(stackedOrder.Count, outFeatures, rank);
            for (var i = 0; i < stackedOrder.Count; i++)
            {
                if (!adapters[stackedOrder[i]].Layers.TryGetValue(path, out var layer)) continue;
                var r = layer.A.shape[0];
                a[i].narrow(0, 0, r).copy_(layer.A);
                b[i].narrow(1, 0, r).copy_(layer.B.mul(layer.Scaling));
            }
            stacks[path] = (a.DetachFromDisposeScope(), b.DetachFromDisposeScope());
        }
    }

    void DropStacks()
    {
        if (stacks is not null) foreach (var (a, b) in stacks.Values) { a.Dispose(); b.Dispose(); }
        stacks = null;
    }

    Tensor MixedUpdate(string path, Tensor input, Tensor output)
    {
        var (a, b) = stacks![path];
        var x = input.to_type(a.dtype);
        var flat = x.dim() == 2 ? x.unsqueeze(1) : x.reshape(x.shape[0], -1, x.shape[^1]);          // [B, T, in]
        var update = bmm(bmm(flat, a.index_select(0, rowAdapterIds!).transpose(1, 2)),               // [B, T, r]
            b.index_select(0, rowAdapterIds!).transpose(1, 2));                                       // [B, T, out]
        return output.add(update.reshape(output.shape).to_type(output.dtype));
    }

    /// <summary>The adapter whose update is applied, or null for the bare base model.</summary>
    public string? ActiveAdapter { get; private set; }

    /// <summary>Whether the active adapter is merged into the base weights.</summary>
    public bool IsMerged { get; private set; }

    /// <summary>The names of the loaded adapters.</summary>
    public IReadOnlyCollection<string> AdapterNames => adapters.Keys;

    /// <summary>The configuration of an adapter.</summary>
    public LoraConfig ConfigOf(string adapter) => Get(adapter).Config;

    /// <summary>The LoRA layers of an adapter, by the path of the linear layer they adapt.</summary>
    public IReadOnlyDictionary<string, LoraLayer> LayersOf(string adapter) => Get(adapter).Layers;

    /// <summary>
    /// Adds an adapter on every linear layer that <paramref name="config"/> targets and makes it active.
    /// A targets list that matches nothing is an error that lists the model's linear layers.
    /// </summary>
    public void AddAdapter(string name, LoraConfig config)
    {
        if (adapters.ContainsKey(name)) throw new LocusException($"an adapter named '{name}' is already loaded");
        var targets = linears.Where(l => config.Targets(l.Key) && !config.Saves(Parent(l.Key))).ToList();
        if (targets.Count == 0)
            throw new LocusException($"LoRA target_modules {config.TargetsDescription} match no linear layer; " +
                                     $"the model has: {string.Join(", ", linears.Keys.Take(12))}{(linears.Count > 12 ? ", ..." : "")}");

        var layers = new Dictionary<string, LoraLayer>(StringComparer.Ordinal);
        foreach (var (path, linear) in targets)
        {
            var weight = linear.weight!;
            var layer = new LoraLayer(weight.shape[1], weight.shape[0], config.Rank, config.Scaling, config.Dropout);
            layer.to(weight.dtype).to(weight.device);
            layers[path] = layer;
            Hook(path, linear);
        }

        // A new adapter's head starts from the base model's head, whatever adapter was active before.
        SaveActiveModules();
        ActivateUnmerged(null);
        var snapshot = SnapshotModules(config);
        foreach (var (key, value) in snapshot) baseModules.TryAdd(key, value.clone());
        adapters[name] = new Adapter(config, layers, snapshot);
        DropStacks();
        ActivateUnmerged(name);
    }

    /// <summary>Switches to another loaded adapter (or to none), restoring that adapter's task head.</summary>
    public void SetActiveAdapter(string? name)
    {
        if (name is not null) Get(name);
        if (name == ActiveAdapter) return;
        SaveActiveModules();
        ActivateUnmerged(name);
    }

    void ActivateUnmerged(string? name)
    {
        if (IsMerged) Unmerge();
        ActiveAdapter = name;
        using (no_grad())
        {
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (key, value) in baseModules) Assign(parameters[key], value);
            if (name is null) return;
            foreach (var (key, value) in adapters[name].SavedModules) Assign(parameters[key], value);
        }
    }

    /// <summary>Adds the active adapter's scaling · B A into each target weight.</summary>
    public void Merge()
    {
        if (ActiveAdapter is null) throw new InvalidOperationException("no active adapter to merge");
        if (IsMerged) return;
        ApplyDelta(+1);
        IsMerged = true;
    }

    /// <summary>Subtracts the merged update again, restoring the base weights (up to float rounding).</summary>
    public void Unmerge()
    {
        if (!IsMerged) return;
        ApplyDelta(-1);
        IsMerged = false;
    }

    void ApplyDelta(int sign)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (path, layer) in adapters[ActiveAdapter!].Layers)
                linears[path].weight!.add_(layer.DeltaWeight().to_type(linears[path].weight!.dtype), alpha: sign);
        }
    }

    /// <summary>
    /// Freezes the base model and makes the active adapter's LoRA matrices and its modules to save trainable;
    /// returns those parameters (named for optimiser grouping).
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> PrepareForTraining()
    {
        var adapter = Get(ActiveAdapter ?? throw new InvalidOperationException("no active adapter"));
        if (IsMerged) Unmerge();
        DropStacks();
        var trainable = new List<(string, Parameter)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var save = adapter.SavedModules.ContainsKey(name);
            parameter.requires_grad = save;
            if (save) trainable.Add((name, parameter));
        }
        foreach (var (path, layer) in adapter.Layers)
        {
            foreach (var (name, parameter) in layer.named_parameters())
            {
                parameter.requires_grad = true;
                trainable.Add(($"{path}.{name}", parameter));
            }
        }
        return trainable;
    }

    /// <summary>Puts the LoRA layers in training or evaluation mode (dropout), together with the model.</summary>
    public void Train(bool training)
    {
        model.train(training);
        foreach (var layer in adapters.Values.SelectMany(a => a.Layers.Values)) layer.train(training);
    }

    /// <summary>The current values of an adapter's modules to save (live values when it is active).</summary>
    internal IReadOnlyDictionary<string, Tensor> ModulesToSaveOf(string adapter)
    {
        if (adapter != ActiveAdapter) return Get(adapter).SavedModules;
        var live = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return Get(adapter).SavedModules.Keys.ToDictionary(k => k, k => live[k]);
    }

    /// <summary>Replaces an adapter's stored modules to save (used when loading) and refreshes the model if active.</summary>
    internal void SetModulesToSave(string adapter, IReadOnlyDictionary<string, Tensor> values)
    {
        var saved = Get(adapter).SavedModules;
        using (no_grad())
        {
            foreach (var (key, value) in values)
            {
                if (!saved.TryGetValue(key, out var slot)) throw new LocusException($"adapter '{adapter}' has no module to save named '{key}'");
                if (slot.shape.SequenceEqual(value.shape))
                {
                    slot.copy_(value);
                    continue;
                }
                // Another adapter's head on the same base (e.g. another label count): the slot takes the stored shape.
                saved[key] = value.detach().to_type(slot.dtype).clone();
                slot.Dispose();
            }
        }
        if (adapter == ActiveAdapter) ActivateUnmerged(adapter);
    }

    /// <summary>
    /// Puts <paramref name="value"/> into a parameter: in place when the shapes agree, else the parameter takes a copy of
    /// the value's shape and data (heads of adapters with different label counts share one base model).
    /// </summary>
    static void Assign(Parameter parameter, Tensor value)
    {
        if (parameter.shape.SequenceEqual(value.shape))
        {
            parameter.copy_(value);
            return;
        }
        using var copy = value.detach().to_type(parameter.dtype).clone();
        parameter.set_(copy);
    }

    void SaveActiveModules()
    {
        if (ActiveAdapter is null) return;
        using (no_grad())
        {
            foreach (var (key, value) in ModulesToSaveOf(ActiveAdapter).ToList())
                adapters[ActiveAdapter].SavedModules[key].copy_(value);
        }
    }

    Dictionary<string, Tensor> SnapshotModules(LoraConfig config)
    {
        var snapshot = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (config.Saves(Parent(name)) || IsUnder(name, config))
                snapshot[name] = parameter.detach().clone();
        }
        return snapshot;
    }

    static bool IsUnder(string parameterName, LoraConfig config)
    {
        for (var path = Parent(parameterName); path.Length > 0; path = Parent(path))
            if (config.Saves(path)) return true;
        return false;
    }

    static string Parent(string path) => path.LastIndexOf('.') is var i and >= 0 ? path[..i] : "";

    void Hook(string path, Linear linear)
    {
        if (!hooked.Add(path)) return;
        var remover = linear.register_forward_hook((_, input, output) =>
        {
            if (rowAdapterIds is not null && stacks is not null && stacks.ContainsKey(path)) return MixedUpdate(path, input, output);
            if (IsMerged || ActiveAdapter is null || !adapters[ActiveAdapter].Layers.TryGetValue(path, out var layer)) return output;
            // The input may be bfloat16 under Bf16LinearAutocast; the adapter computes in its own (float32) dtype.
            return output.add(layer.forward(input.to_type(layer.A.dtype)));
        });
        hookRemovers.Add(remover.remove);
    }

    Adapter Get(string name) =>
        adapters.TryGetValue(name, out var adapter) ? adapter : throw new LocusException($"no adapter named '{name}' (loaded: {string.Join(", ", adapters.Keys)})");

    /// <summary>Removes the hooks and disposes the adapters; the model keeps its current (possibly merged) weights.</summary>
    public void Dispose()
    {
        SetRowAdapters(null);
        DropStacks();
        foreach (var remove in hookRemovers) remove();
        foreach (var adapter in adapters.Values)
        {
            foreach (var layer in adapter.Layers.Values) layer.Dispose();
            foreach (var t in adapter.SavedModules.Values) t.Dispose();
        }
        foreach (var t in baseModules.Values) t.Dispose();
    }
}
