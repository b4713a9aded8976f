using Locus.Data;

namespace Locus.Training.Tasks;

/// <summary>
/// The token-classification labels of an NER model in the BIO scheme, and their ids. A map built from entity types
/// puts <c>O</c> at id 0, then <c>B-X</c>, <c>I-X</c> for each type X in the schema's order (the order of the
/// Hugging Face CoNLL models); <see cref="Labels"/> is the <c>id2label</c> list written to config.json. A map read
/// back from a config.json (<see cref="FromId2Label"/>) accepts any order.
/// </summary>
public sealed class BioLabelMap
{
    private readonly string[] _labels;
    private readonly int[] _typeById;
    private readonly bool[] _isBegin;
    private readonly int[] _beginIdByType;
    private readonly int[] _insideIdByType;
    private readonly string[] _types;
    private readonly Dictionary<string, int> _typeIndex;
    private readonly Dictionary<string, int> _idByLabel;

    /// <summary>Creates the map <c>O, B-T1, I-T1, B-T2, I-T2, ...</c> for <paramref name="entityTypes"/>.</summary>
    /// <exception cref="ArgumentException">A type is empty or repeated.</exception>
    public BioLabelMap(IEnumerable<string> entityTypes)
        : this(Layout(entityTypes))
    {
    }

    private BioLabelMap(string[] labels)
    {
        _labels = labels;
        _typeById = new int[labels.Length];
        _isBegin = new bool[labels.Length];
        _idByLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        _typeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new List<string>();
        var begin = new List<int>();
        var inside = new List<int>();
        var outside = -1;
        for (var id = 0; id < labels.Length; id++)
        {
            if (!_idByLabel.TryAdd(labels[id], id)) throw new ArgumentException($"Label '{labels[id]}' appears twice in the label list.", nameof(labels));
            if (EntityTag.TryParse(labels[id]) is not { } tag || tag.Prefix is 'E' or 'S')
                throw new ArgumentException($"Label '{labels[id]}' (id {id}) is not a BIO tag: expected O, B-TYPE or I-TYPE.", nameof(labels));
            if (tag.IsOutside)
            {
                if (outside >= 0) throw new ArgumentException("The label list has O twice.", nameof(labels));
                outside = id;
                _typeById[id] = -1;
                continue;
            }

            if (!_typeIndex.TryGetValue(tag.Label, out var type))
            {
                type = types.Count;
                _typeIndex.Add(tag.Label, type);
                types.Add(tag.Label);
                begin.Add(-1);
                inside.Add(-1);
            }

            _typeById[id] = type;
            _isBegin[id] = tag.Prefix == 'B';
            if (tag.Prefix == 'B') begin[type] = id;
            else inside[type] = id;
        }

        if (outside < 0) throw new ArgumentException("The label list has no O label.", nameof(labels));
        for (var t = 0; t < types.Count; t++)
        {
            if (begin[t] < 0 || inside[t] < 0)
                throw new ArgumentException($"Entity type '{types[t]}' needs both B-{types[t]} and I-{types[t]} in the label list.", nameof(labels));
        }

        OutsideId = outside;
        _types = [.. types];
        _beginIdByType = [.. begin];
        _insideIdByType = [.. inside];
    }

    /// <summary>The map for the entity types of an NER schema, in the schema's order.</summary>
    /// <exception cref="LocusException">The schema is not an NER schema.</exception>
    public static BioLabelMap FromSchema(LabelSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Task != DataTask.Ner)
            throw new LocusException($"A BIO label map needs an NER schema, but the schema is for {schema.Task.ToName()}.");
        return new BioLabelMap(schema.Labels.Select(l => l.Name));
    }

    /// <summary>Reads the map from an <c>id2label</c> list (config.json), in whatever order it lists the tags.</summary>
    /// <exception cref="ArgumentException">A label is not a BIO tag, is repeated, O is missing, or a type lacks B- or I-.</exception>
    public static BioLabelMap FromId2Label(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new BioLabelMap(labels.ToArray());
    }

    /// <summary>The tag of every id (<c>id2label</c>), e.g. <c>O, B-PER, I-PER</c>.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The number of tags: the width of the token-classification head.</summary>
    public int Count => _labels.Length;

    /// <summary>The entity types, indexed by type index.</summary>
    public IReadOnlyList<string> EntityTypes => _types;

    /// <summary>The id of <c>O</c>.</summary>
    public int OutsideId { get; }

    /// <summary>The id of <c>B-</c> for the type at <paramref name="typeIndex"/>.</summary>
    public int BeginId(int typeIndex) => _beginIdByType[typeIndex];

    /// <summary>The id of <c>I-</c> for the type at <paramref name="typeIndex"/>.</summary>
    public int InsideId(int typeIndex) => _insideIdByType[typeIndex];

    /// <summary>The type index of a tag id; -1 for <c>O</c>.</summary>
    public int TypeOf(int id) => _typeById[id];

    /// <summary>Whether the tag id is a <c>B-</c> tag.</summary>
    public bool IsBegin(int id) => _isBegin[id];

    /// <summary>The type index of an entity type, or null when the map does not know it.</summary>
    public int? TypeIndexOf(string entityType) => _typeIndex.TryGetValue(entityType, out var index) ? index : null;

    /// <summary>The id of a tag string such as <c>B-PER</c>.</summary>
    /// <exception cref="KeyNotFoundException">The tag is not in the map.</exception>
    public int IdOf(string tag) => _idByLabel.TryGetValue(tag, out var id) ? id : throw new KeyNotFoundException($"Tag '{tag}' is not in the label map.");

    private static string[] Layout(IEnumerable<string> entityTypes)
    {
        ArgumentNullException.ThrowIfNull(entityTypes);
        var labels = new List<string> { "O" };
        foreach (var type in entityTypes)
        {
            if (string.IsNullOrWhiteSpace(type)) throw new ArgumentException("An entity type is empty.", nameof(entityTypes));
            labels.Add("B-" + type);
            labels.Add("I-" + type);
        }

        return [.. labels];
    }
}
