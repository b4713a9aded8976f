using System.IO.MemoryMappedFiles;
using System.Text.Json;
using static TorchSharp.torch;

namespace Locus.Models.Safetensors;

/// <summary>One tensor entry of a safetensors header; offsets are relative to the end of the header.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDtype Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header
/// ({name: {dtype, shape, data_offsets}, "__metadata__": {...}}) and the raw little-endian tensor bytes.
/// Tensors are copied out of the mapping one at a time, so a checkpoint never sits in memory twice.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    const long MaxHeaderBytes = 100L * 1024 * 1024;

    readonly MemoryMappedFile map;
    readonly MemoryMappedViewAccessor view;
    readonly long dataStart;
    readonly Dictionary<string, SafetensorsEntry> entries;

    SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        Dictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        this.map = map;
        this.view = view;
        this.dataStart = dataStart;
        this.entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>The free-form string metadata of the header (e.g. {"format": "pt"}).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor entries, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => entries;

    /// <summary>Opens and validates a safetensors file; a malformed file raises a <see cref="DataFormatException"/>.</summary>
    public static SafetensorsFile Open(string path)
    {
        // The length of the opened file: FileInfo.Length would give a symlink's own size, and the snapshot
        // entries of the Hugging Face cache are symlinks to their blobs.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = stream.Length;
        if (length < 8)
        {
            stream.Dispose();
            throw new DataFormatException(path, 0, null, $"not a safetensors file: only {length} bytes");
        }

        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        try
        {
            var headerLength = view.ReadInt64(0);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw new DataFormatException(path, 0, null, $"header length {headerLength} does not fit in a file of {length} bytes");
            var header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            var dataStart = 8 + headerLength;
            var (entries, metadata) = ParseHeader(path, header, length - dataStart);
            return new SafetensorsFile(path, map, view, dataStart, entries, metadata);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new DataFormatException(path, 0, null, $"header is not valid JSON: {e.Message}"); }

        using (doc)
        {
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                entries[property.Name] = ParseEntry(path, property, dataLength);
            }
            return (entries, metadata);
        }
    }

    static SafetensorsEntry ParseEntry(string path, JsonProperty property, long dataLength)
    {
        var name = property.Name;
        var value = property.Value;
        DataFormatException Bad(string problem) => new(path, 0, name, problem);

        if (!value.TryGetProperty("dtype", out var dtypeJson) || SafetensorsDtypes.Parse(dtypeJson.GetString() ?? "") is not { } dtype)
            throw Bad($"missing or unsupported dtype '{(value.TryGetProperty("dtype", out var d) ? d.ToString() : "")}'");
        if (!value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw Bad("missing shape");
        if (!value.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.GetArrayLength() != 2)
            throw Bad("missing data_offsets [begin, end]");

        var shape = shapeJson.EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long begin = offsetsJson[0].GetInt64(), end = offsetsJson[1].GetInt64();
        var entry = new SafetensorsEntry(name, dtype, shape, begin, end);
        if (shape.Any(s => s < 0)) throw Bad("negative dimension in shape");
        if (begin < 0 || end < begin || end > dataLength)
            throw Bad($"data_offsets [{begin}, {end}] lie outside the {dataLength} data bytes (truncated file?)");
        if (end - begin != entry.ElementCount * dtype.ElementSize())
            throw Bad($"data_offsets span {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {entry.ElementCount * dtype.ElementSize()}");
        return entry;
    }

    /// <summary>
    /// Reads a tensor into a new CPU tensor of its stored dtype, or converted to <paramref name="dtype"/>.
    /// </summary>
    public Tensor Read(string name, ScalarType? dtype = null)
    {
        if (!entries.TryGetValue(name, out var entry))
            throw new LocusException($"{Path}: no tensor named '{name}'");

        var tensor = empty(entry.Shape, entry.Dtype.ToScalarType());
        if (entry.End > entry.Begin) CopyInto(entry, tensor);
        if (dtype is { } target && target != tensor.dtype)
        {
            var converted = tensor.to_type(target);
            tensor.Dispose();
            return converted;
        }
        return tensor;
    }

    unsafe void CopyInto(SafetensorsEntry entry, Tensor tensor)
    {
        byte* basePointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
        try
        {
            // The view may start before the file offset because mappings are page aligned.
            var source = basePointer + view.PointerOffset + dataStart + entry.Begin;
            var bytes = entry.End - entry.Begin;
            var destination = tensor.bytes;
            if (destination.Length != bytes)
                throw new InvalidOperationException($"tensor '{entry.Name}' holds {destination.Length} bytes, expected {bytes}");
            new ReadOnlySpan<byte>(source, checked((int)bytes)).CopyTo(destination);
            tensor.bytes = destination;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        view.Dispose();
        map.Dispose();
    }
}
