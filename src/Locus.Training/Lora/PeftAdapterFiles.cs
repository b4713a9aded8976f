using System.Text.Json;
using Locus.Models.Configuration;
using Locus.Models.Safetensors;
using static TorchSharp.torch;

namespace Locus.Training.Lora;

/// <summary>
/// Reads and writes adapters in the PEFT layout: <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>
/// with keys <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> / <c>.lora_B.weight</c> and the modules to save
/// under <c>base_model.model.&lt;parameter name&gt;</c>, so Python's PeftModel.from_pretrained loads them.
/// </summary>
public static class PeftAdapterFiles
{
    /// <summary>The adapter configuration file name.</summary>
    public const string ConfigFile = "adapter_config.json";

    /// <summary>The adapter weights file name.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    const string Prefix = "base_model.model.";

    /// <summary>Writes <paramref name="adapter"/> of <paramref name="lora"/> into <paramref name="folder"/> (atomically, file by file).</summary>
    public static void Save(LoraModel lora, string adapter, string folder)
    {
        Directory.CreateDirectory(folder);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, layer) in lora.LayersOf(adapter))
        {
            tensors[$"{Prefix}{path}.lora_A.weight"] = layer.A;
            tensors[$"{Prefix}{path}.lora_B.weight"] = layer.B;
        }
        foreach (var (name, value) in lora.ModulesToSaveOf(adapter))
            tensors[Prefix + name] = value;

        SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var json = lora.ConfigOf(adapter).ToPeftJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), json);
    }

    /// <summary>
    /// Loads the adapter in <paramref name="folder"/> onto <paramref name="lora"/> under <paramref name="name"/> and
    /// makes it active. Every LoRA matrix and module to save must be present, with the right shapes.
    /// </summary>
    public static void Load(LoraModel lora, string folder, string name)
    {
        var config = LoraConfig.FromPeftJson(ConfigJson.Load(Path.Combine(folder, ConfigFile)));
        var weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"adapter weights '{weightsPath}' do not exist", weightsPath);

        using var file = SafetensorsFile.Open(weightsPath);
        lora.AddAdapter(name, config);
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (path, layer) in lora.LayersOf(name))
            {
                CopyInto(file, $"{Prefix}{path}.lora_A.weight", layer.A, used);
                CopyInto(file, $"{Prefix}{path}.lora_B.weight", layer.B, used);
            }
        }

        var modules = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var key in lora.ModulesToSaveOf(name).Keys)
        {
            var stored = Prefix + key;
            if (!file.Entries.ContainsKey(stored)) throw new DataFormatException(weightsPath, 0, stored, "module to save is missing from the adapter");
            modules[key] = file.Read(stored);
            used.Add(stored);
        }
        lora.SetModulesToSave(name, modules);
        foreach (var t in modules.Values) t.Dispose();

        var unused = file.Entries.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0)
            throw new DataFormatException(weightsPath, 0, unused[0], $"{unused.Count} adapter tensor(s) match no module of the model (was it trained on another architecture?)");
    }

    static void CopyInto(SafetensorsFile file, string key, Tensor destination, HashSet<string> used)
    {
        if (!file.Entries.TryGetValue(key, out var entry)) throw new DataFormatException(file.Path, 0, key, "LoRA weight is missing");
        if (!entry.Shape.SequenceEqual(destination.shape))
            throw new DataFormatException(file.Path, 0, key, $"shape [{string.Join(", ", entry.Shape)}] does not match the model's [{string.Join(", ", destination.shape)}]");
        using var value = file.Read(key, destination.dtype);
        destination.copy_(value);
        used.Add(key);
    }
}
