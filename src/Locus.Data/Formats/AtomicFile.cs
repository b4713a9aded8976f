using System.Text;

namespace Locus.Data;

/// <summary>
/// Writes a file through a temporary file in the same folder that is renamed over the target only once
/// everything was written, so that a failed or cancelled write never leaves a truncated file behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, the encoding of every file Locus writes.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs <paramref name="write"/> on a writer to a temporary file, then moves it to <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, Func<TextWriter, Task> write, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Output folder not found: {folder}");
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var writer = new StreamWriter(temp, append: false, Utf8, bufferSize: 1 << 16))
            {
                await write(writer);
                cancellationToken.ThrowIfCancellationRequested();
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
