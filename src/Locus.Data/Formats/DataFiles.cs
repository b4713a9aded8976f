namespace Locus.Data;

/// <summary>Opening input files with one clear message when they are missing.</summary>
public static class DataFiles
{
    /// <summary>
    /// Opens a UTF-8 text file (a byte-order mark, if any, is skipped) whose reads throw a located
    /// <see cref="DataFormatException"/> at the first line that is not UTF-8 text (see <see cref="CheckedTextReader"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="LocusException">The path is a folder.</exception>
    public static TextReader OpenText(string path)
    {
        if (Directory.Exists(path)) throw new LocusException($"{path} is a folder; give a data file");
        if (!File.Exists(path)) throw new FileNotFoundException($"Input file not found: {path}", path);
        return new CheckedTextReader(path);
    }
}
