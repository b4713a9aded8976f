using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Locus.Bench;

/// <summary>
/// Minimal NumPy .npy (format 1.0) reader and writer for 2-d little-endian float32 ('&lt;f4') and int32 ('&lt;i4')
/// arrays in C order: the files that <c>numpy.load</c> reads directly, so the peer libraries (hnswlib, FAISS) and
/// Locus index the very same bytes.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes <paramref name="rows"/> (all of one length) as a 2-d float32 array.</summary>
    public static void WriteFloat32(string path, IReadOnlyList<float[]> rows) => Write(path, "<f4", rows, r => MemoryMarshal.AsBytes(r.AsSpan()).ToArray());

    /// <summary>Writes <paramref name="rows"/> (all of one length) as a 2-d int32 array.</summary>
    public static void WriteInt32(string path, IReadOnlyList<int[]> rows) => Write(path, "<i4", rows, r => MemoryMarshal.AsBytes(r.AsSpan()).ToArray());

    /// <summary>Starts a float32 file of <paramref name="columns"/> columns whose row count is patched in by <see cref="FinishRows"/>.</summary>
    public static FileStream CreateFloat32(string path, int columns)
    {
        var stream = File.Create(path);
        WriteHeader(stream, "<f4", 0, columns);
        return stream;
    }

    /// <summary>Appends rows to a stream from <see cref="CreateFloat32"/>.</summary>
    public static void AppendRows(FileStream stream, IEnumerable<float[]> rows)
    {
        foreach (var row in rows) stream.Write(MemoryMarshal.AsBytes(row.AsSpan()));
    }

    /// <summary>Rewrites the header of a stream from <see cref="CreateFloat32"/> with the final row count.</summary>
    public static void FinishRows(FileStream stream, int rows, int columns)
    {
        stream.Position = 0;
        WriteHeader(stream, "<f4", rows, columns);
        stream.Dispose();
    }

    /// <summary>Opens a 2-d array; the stream is left at the first data byte.</summary>
    public static (FileStream Stream, string Descr, int Rows, int Columns) Open(string path)
    {
        var stream = File.OpenRead(path);
        var prefix = new byte[10];
        stream.ReadExactly(prefix);
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)) || prefix[6] != 1)
            throw new InvalidDataException($"{path}: not a version 1 .npy file");
        var header = new byte[BitConverter.ToUInt16(prefix, 8)];
        stream.ReadExactly(header);
        var text = Encoding.ASCII.GetString(header);
        var descr = DescrPattern().Match(text).Groups[1].Value;
        var shape = ShapePattern().Match(text);
        if (text.Contains("'fortran_order': True", StringComparison.Ordinal) || !shape.Success || descr is not ("<f4" or "<i4"))
            throw new InvalidDataException($"{path}: expected a 2-d C-order <f4 or <i4 array, header {text.Trim()}");
        return (stream, descr, int.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Reads the next <paramref name="count"/> rows of <paramref name="columns"/> float32 values.</summary>
    public static float[][] ReadFloat32Rows(Stream stream, int count, int columns) => ReadRows<float>(stream, count, columns);

    /// <summary>Reads a whole 2-d float32 array.</summary>
    public static float[][] ReadFloat32(string path)
    {
        var (stream, descr, rows, columns) = Open(path);
        using (stream) return descr == "<f4" ? ReadRows<float>(stream, rows, columns) : throw new InvalidDataException($"{path}: {descr}, expected <f4");
    }

    /// <summary>Reads a whole 2-d int32 array.</summary>
    public static int[][] ReadInt32(string path)
    {
        var (stream, descr, rows, columns) = Open(path);
        using (stream) return descr == "<i4" ? ReadRows<int>(stream, rows, columns) : throw new InvalidDataException($"{path}: {descr}, expected <i4");
    }

    private static T[][] ReadRows<T>(Stream stream, int count, int columns) where T : unmanaged
    {
        var rows = new T[count][];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new T[columns];
            stream.ReadExactly(MemoryMarshal.AsBytes(rows[i].AsSpan()));
        }
        return rows;
    }

    private static void Write<T>(string path, string descr, IReadOnlyList<T[]> rows, Func<T[], byte[]> bytes)
    {
        var columns = rows.Count == 0 ? 0 : rows[0].Length;
        using var stream = File.Create(path);
        WriteHeader(stream, descr, rows.Count, columns);
        foreach (var row in rows)
        {
            if (row.Length != columns) throw new ArgumentException("rows differ in length", nameof(rows));
            stream.Write(bytes(row));
        }
    }

    private static void WriteHeader(Stream stream, string descr, int rows, int columns)
    {
        // Fixed width for the row count, so FinishRows can rewrite the header in place.
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows,10}, {columns}), }}");
        var total = (Magic.Length + 2 + dict.Length + 1 + 63) / 64 * 64;   // data starts 64-byte aligned, as numpy writes it
        var header = dict.PadRight(total - Magic.Length - 2 - 1) + "\n";
        stream.Write(Magic);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")]
    private static partial Regex ShapePattern();
}
