using System.Text;

namespace Locus.Data;

/// <summary>Opening input files with one clear message when they are missing.</summary>
public static class DataFiles
{
    /// <summary>Opens a UTF-8 text file (a byte-order mark, if any, is skipped).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    public static StreamReader OpenText(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file not found: {path}", path);
        return new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }
}
