using System.Text;

namespace Locus.Data;

/// <summary>
/// A UTF-8 text reader that refuses what is not UTF-8 text instead of turning it into U+FFFD: the first line holding
/// an invalid byte sequence or a NUL character (binary data) throws a <see cref="DataFormatException"/> naming the
/// file and line. Invalid bytes decode to a noncharacter (U+FDD0) that this reader then looks for; a legitimate
/// U+FFFD in the file stays valid.
/// </summary>
public sealed class CheckedTextReader : TextReader
{
    /// <summary>What invalid bytes decode to: a Unicode noncharacter, which no interchanged text holds.</summary>
    internal const char InvalidMarker = '\uFDD0';

    private static readonly Encoding Utf8Marking =
        Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback(InvalidMarker.ToString()));

    private readonly StreamReader _inner;
    private readonly string _path;
    private int _line = 1;

    /// <summary>Opens <paramref name="path"/> (a UTF-8 byte-order mark, if any, is skipped).</summary>
    public CheckedTextReader(string path)
    {
        _path = path;
        // No BOM detection: a UTF-8 BOM is skipped by the encoding's preamble handling, and a UTF-16 file is refused as not UTF-8.
        _inner = new StreamReader(path, Utf8Marking, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
    }

    /// <inheritdoc/>
    public override int Peek() => _inner.Peek();

    /// <inheritdoc/>
    public override int Read()
    {
        var c = _inner.Read();
        if (c < 0) return c;
        Check((char)c);
        if (c == '\n') _line++;
        return c;
    }

    /// <inheritdoc/>
    public override string? ReadLine() => CheckLine(_inner.ReadLine());

    /// <inheritdoc/>
    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        CheckLine(await _inner.ReadLineAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    private string? CheckLine(string? line)
    {
        if (line is null) return null;
        foreach (var c in line) Check(c);
        _line++;
        return line;
    }

    private void Check(char c)
    {
        if (c == InvalidMarker)
            throw new DataFormatException(_path, _line, null, "the text is not valid UTF-8 (save the file as UTF-8)");
        if (c == '\0')
            throw new DataFormatException(_path, _line, null, "the file holds a NUL byte: it looks binary, not text");
    }
}
