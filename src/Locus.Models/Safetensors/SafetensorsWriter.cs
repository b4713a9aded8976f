using System.Text.Json;
using static TorchSharp.torch;

namespace Locus.Models.Safetensors;

/// <summary>Writes tensors as a safetensors file that Python's safetensors and transformers read.</summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (name → CPU tensor, any supported dtype) atomically: to a temporary
    /// file first, renamed over <paramref name="path"/> only when complete. Tensors are laid out in name order.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;

        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var size = tensor.numel() * tensor.ElementSize;
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsDtypes.FromScalarType(tensor.dtype).ToString(),
                ["shape"] = tensor.shape,
                ["data_offsets"] = new[] { offset, offset + size },
            };
            offset += size;
        }

        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        // Pad the header with spaces to a multiple of 8 so the data that follows is aligned, as safetensors does.
        var padded = (headerBytes.Length + 7) / 8 * 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BitConverter.TryWriteBytes(length, (long)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, tensor) in ordered)
            {
                using var contiguous = tensor.detach().cpu().contiguous();
                stream.Write(contiguous.bytes);
            }
        });
    }
}
