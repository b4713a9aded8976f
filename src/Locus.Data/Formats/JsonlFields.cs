namespace Locus.Data;

/// <summary>The property names the JSONL format gives a meaning to; everything else is passed through.</summary>
internal static class JsonlFields
{
    public const string Id = "id";
    public const string Text = "text";
    public const string Spans = "spans";
    public const string Label = "label";
    public const string Labels = "labels";

    public static bool IsKnown(string name, DataTask task) => name switch
    {
        Id or Text => true,
        Spans => task == DataTask.Ner,
        Label or Labels => task == DataTask.Classification,
        _ => false,
    };
}
