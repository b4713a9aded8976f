using Locus.Data;

namespace Locus.Tests.Data;

public class TagSchemeTests
{
    // "John Smith met Mary in New York": PER [0,2), PER [3,4), LOC [5,7).
    private static readonly TokenChunk[] Sentence = [new(0, 2, "PER"), new(3, 4, "PER"), new(5, 7, "LOC")];
    private static readonly string[] SentenceBio = ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "I-LOC"];
    private static readonly string[] SentenceIob1 = ["I-PER", "I-PER", "O", "I-PER", "O", "I-LOC", "I-LOC"];
    private static readonly string[] SentenceBioes = ["B-PER", "E-PER", "O", "S-PER", "O", "B-LOC", "E-LOC"];

    // "Mary Ann Bob Paris": PER [0,2) directly followed by PER [2,3), then LOC [3,4).
    private static readonly TokenChunk[] Adjacent = [new(0, 2, "PER"), new(2, 3, "PER"), new(3, 4, "LOC")];
    private static readonly string[] AdjacentBio = ["B-PER", "I-PER", "B-PER", "B-LOC"];
    private static readonly string[] AdjacentIob1 = ["I-PER", "I-PER", "B-PER", "I-LOC"];
    private static readonly string[] AdjacentBioes = ["B-PER", "E-PER", "S-PER", "S-LOC"];

    public static TheoryData<TokenChunk[], string[], TagScheme> Encodings => new()
    {
        { Sentence, SentenceBio, TagScheme.Bio },
        { Sentence, SentenceIob1, TagScheme.Iob1 },
        { Sentence, SentenceBioes, TagScheme.Bioes },
        { Adjacent, AdjacentBio, TagScheme.Bio },
        { Adjacent, AdjacentIob1, TagScheme.Iob1 },
        { Adjacent, AdjacentBioes, TagScheme.Bioes },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EncodesAndDecodesHandMadeSentences(TokenChunk[] chunks, string[] tags, TagScheme scheme)
    {
        Assert.Equal(tags, TagEncoder.Encode(tags.Length, chunks, scheme));
        Assert.True(TagDecoder.TryDecode(tags, scheme, out var decoded, out var error), error?.Problem);
        Assert.Equal(chunks, decoded);
    }

    [Theory]
    [InlineData(TagScheme.Bio, TagScheme.Iob1)]
    [InlineData(TagScheme.Iob1, TagScheme.Bio)]
    [InlineData(TagScheme.Bio, TagScheme.Bioes)]
    [InlineData(TagScheme.Bioes, TagScheme.Bio)]
    [InlineData(TagScheme.Iob1, TagScheme.Bioes)]
    [InlineData(TagScheme.Bioes, TagScheme.Iob1)]
    public void ConvertsBetweenSchemes(TagScheme from, TagScheme to)
    {
        string[] Tags(string[] bio, string[] iob1, string[] bioes, TagScheme s) => s switch { TagScheme.Bio => bio, TagScheme.Iob1 => iob1, _ => bioes };
        Assert.Equal(Tags(SentenceBio, SentenceIob1, SentenceBioes, to), TagEncoder.Convert(Tags(SentenceBio, SentenceIob1, SentenceBioes, from), from, to));
        Assert.Equal(Tags(AdjacentBio, AdjacentIob1, AdjacentBioes, to), TagEncoder.Convert(Tags(AdjacentBio, AdjacentIob1, AdjacentBioes, from), from, to));
    }

    [Theory]
    [InlineData(TagScheme.Bio, "O I-PER", 1, "does not continue a PER entity")]
    [InlineData(TagScheme.Bio, "B-PER I-LOC", 1, "does not continue a LOC entity")]
    [InlineData(TagScheme.Bio, "I-PER", 0, "set the input scheme to iob1")]
    [InlineData(TagScheme.Bio, "B-PER E-PER", 1, "is a BIOES tag")]
    [InlineData(TagScheme.Iob1, "S-PER", 0, "is a BIOES tag")]
    [InlineData(TagScheme.Bioes, "B-PER O", 1, "is not closed with E-PER before 'O'")]
    [InlineData(TagScheme.Bioes, "O B-PER", 1, "not closed with E-PER by the end of the sentence")]
    [InlineData(TagScheme.Bioes, "O E-PER", 1, "ends a PER entity that was not opened")]
    [InlineData(TagScheme.Bioes, "B-PER E-LOC", 1, "ends a LOC entity that was not opened")]
    [InlineData(TagScheme.Bioes, "O I-PER E-PER", 1, "does not continue a PER entity")]
    [InlineData(TagScheme.Bioes, "B-PER S-LOC", 1, "not closed")]
    [InlineData(TagScheme.Bioes, "B-PER B-PER E-PER", 1, "not closed")]
    [InlineData(TagScheme.Bio, "O B_PER", 1, "'B_PER' is not a tag")]
    [InlineData(TagScheme.Bio, "X-PER", 0, "is not a tag")]
    [InlineData(TagScheme.Bio, "B-", 0, "is not a tag")]
    [InlineData(TagScheme.Iob1, "o", 0, "is not a tag")]
    public void RejectsTagsThatBreakTheScheme(TagScheme scheme, string tags, int index, string problem)
    {
        Assert.False(TagDecoder.TryDecode(tags.Split(' '), scheme, out _, out var error));
        Assert.Equal(index, error!.TokenIndex);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Iob1AcceptsBAfterOutsideAsANewEntity()
    {
        Assert.True(TagDecoder.TryDecode(["O", "B-PER", "I-PER", "I-LOC"], TagScheme.Iob1, out var chunks, out _));
        Assert.Equal([new TokenChunk(1, 3, "PER"), new TokenChunk(3, 4, "LOC")], chunks);
    }

    [Fact]
    public void LabelsMayContainHyphens()
    {
        Assert.True(TagDecoder.TryDecode(["B-creative-work", "I-creative-work"], TagScheme.Bio, out var chunks, out _));
        Assert.Equal([new TokenChunk(0, 2, "creative-work")], chunks);
    }

    [Theory]
    [InlineData("B-PER I-PER O|O B-LOC", TagScheme.Bio)]
    [InlineData("B-PER I-PER O|O I-LOC", TagScheme.Iob1)]
    [InlineData("B-PER I-PER I-LOC", TagScheme.Iob1)]
    [InlineData("O O|S-PER", TagScheme.Bioes)]
    [InlineData("I-PER|B-PER E-PER", TagScheme.Bioes)]
    public void DetectsTheScheme(string sentences, TagScheme expected) =>
        Assert.Equal(expected, TagSchemeDetector.Detect(sentences.Split('|').Select(s => (IReadOnlyList<string>)s.Split(' '))));

    [Theory]
    [InlineData("bio", TagScheme.Bio)]
    [InlineData("IOB2", TagScheme.Bio)]
    [InlineData("iob1", TagScheme.Iob1)]
    [InlineData("iobes", TagScheme.Bioes)]
    [InlineData("iob", null)]
    public void ParsesSchemeNames(string name, TagScheme? expected) => Assert.Equal(expected, TagSchemes.TryParse(name));

    [Fact]
    public void EncoderRejectsOverlappingChunks() =>
        Assert.Throws<ArgumentException>(() => TagEncoder.Encode(3, [new TokenChunk(0, 2, "A"), new TokenChunk(1, 3, "B")], TagScheme.Bio));
}
