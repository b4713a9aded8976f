namespace Locus.Training.Tasks;

/// <summary>One training or inference item: a window of a text with its targets.</summary>
public interface IEncodedItem
{
    /// <summary>The model input.</summary>
    TextWindow Window { get; }
}
