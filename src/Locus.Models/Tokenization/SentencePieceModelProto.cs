using System.Text;
using Locus.Models.Protobuf;

namespace Locus.Models.Tokenization;

/// <summary>The piece types of a SentencePiece model (<c>ModelProto.SentencePiece.Type</c>).</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One vocabulary entry of a SentencePiece model.</summary>
internal readonly record struct SentencePieceEntry(string Piece, float Score, SentencePieceType Type);

/// <summary>
/// The parts of a SentencePiece <c>.model</c> file (a <c>sentencepiece.ModelProto</c> protobuf) that encoding needs,
/// read with a small protobuf wire-format reader.
/// </summary>
internal sealed class SentencePieceModelProto
{
    private const int UnigramModelType = 1;

    public List<SentencePieceEntry> Pieces { get; } = [];

    public int ModelType { get; private set; } = UnigramModelType;

    public bool ByteFallback { get; private set; }

    public bool TreatWhitespaceAsSuffix { get; private set; }

    public string UnknownSurface { get; private set; } = " \u2047 ";

    public string NormalizerName { get; private set; } = "";

    public byte[] PrecompiledCharsMap { get; private set; } = [];

    public bool AddDummyPrefix { get; private set; } = true;

    public bool RemoveExtraWhitespaces { get; private set; } = true;

    public bool EscapeWhitespaces { get; private set; } = true;

    public bool IsUnigram => ModelType == UnigramModelType;

    public static SentencePieceModelProto Parse(byte[] data, string path)
    {
        var model = new SentencePieceModelProto();
        try
        {
            var reader = new ProtobufReader(data);
            while (reader.Next(out var field, out var wireType))
            {
                switch (field)
                {
                    case 1: model.Pieces.Add(ReadPiece(reader.ReadBytes())); break;
                    case 2: model.ReadTrainerSpec(reader.ReadBytes()); break;
                    case 3: model.ReadNormalizerSpec(reader.ReadBytes()); break;
                    default: reader.Skip(wireType); break;
                }
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new DataFormatException(path, 0, null, $"not a valid SentencePiece model: {e.Message}");
        }

        if (model.Pieces.Count == 0)
        {
            throw new DataFormatException(path, 0, "pieces", "the SentencePiece model has no pieces");
        }

        return model;
    }

    private static SentencePieceEntry ReadPiece(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        string piece = "";
        float score = 0;
        var type = SentencePieceType.Normal;
        while (reader.Next(out var field, out var wireType))
        {
            switch (field)
            {
                case 1: piece = Encoding.UTF8.GetString(reader.ReadBytes().Span); break;
                case 2: score = reader.ReadFloat(); break;
                case 3: type = (SentencePieceType)reader.ReadVarint(); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new SentencePieceEntry(piece, score, type);
    }

    private void ReadTrainerSpec(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field)
            {
                case 3: ModelType = (int)reader.ReadVarint(); break;
                case 24: TreatWhitespaceAsSuffix = reader.ReadVarint() != 0; break;
                case 35: ByteFallback = reader.ReadVarint() != 0; break;
                case 44: UnknownSurface = Encoding.UTF8.GetString(reader.ReadBytes().Span); break;
                default: reader.Skip(wireType); break;
            }
        }
    }

    private void ReadNormalizerSpec(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field, out var wireType))
        {
            switch (field)
            {
                case 1: NormalizerName = Encoding.UTF8.GetString(reader.ReadBytes().Span); break;
                case 2: PrecompiledCharsMap = reader.ReadBytes().ToArray(); break;
                case 3: AddDummyPrefix = reader.ReadVarint() != 0; break;
                case 4: RemoveExtraWhitespaces = reader.ReadVarint() != 0; break;
                case 5: EscapeWhitespaces = reader.ReadVarint() != 0; break;
                default: reader.Skip(wireType); break;
            }
        }
    }
}
