namespace Locus;

/// <summary>
/// Writes files so that readers never see a half-written one: the content goes to a temporary file in the
/// same folder, which is flushed and then renamed over the destination.
/// </summary>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, the encoding of every text file Locus writes.</summary>
    public static readonly System.Text.Encoding Utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // The rename would fail on a folder with an IOException the user cannot act on; say what to give instead.
    private static string Target(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new LocusException($"{path} is a folder; give the name of a file to write");
        return full;
    }

    /// <summary>Writes through <paramref name="write"/> and renames into place when it returns.</summary>
    /// <exception cref="LocusException"><paramref name="path"/> is a folder.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Target(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Asynchronous form of <see cref="Write(string, Action{Stream})"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        var full = Target(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes text (UTF-8, no BOM) through <paramref name="write"/> and renames into place when it completes.</summary>
    public static Task WriteAsync(string path, Func<TextWriter, Task> write, CancellationToken cancellationToken = default) =>
        WriteAsync(path, async (stream, token) =>
        {
            await using var writer = new StreamWriter(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true);
            await write(writer);
            token.ThrowIfCancellationRequested();
        }, cancellationToken);

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, leaveOpen: true);
            writer.Write(text);
        });
}
