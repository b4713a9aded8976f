namespace Locus.Retrieval.Index;

/// <summary>How vector components are stored on disk and in memory.</summary>
public enum VectorDataType
{
    /// <summary>32-bit IEEE floats: exact, 4 bytes per component.</summary>
    Float32 = 0,

    /// <summary>16-bit IEEE floats: 2 bytes per component, ~3 significant digits.</summary>
    Float16 = 1,

    /// <summary>Signed bytes with one float scale per vector (symmetric quantisation): 1 byte per component + 4 per vector.</summary>
    Int8 = 2,
}
