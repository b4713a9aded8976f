using Locus.Data;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Encode then decode perfect logits: every exactly aligned span comes back, across window cuts.</summary>
public sealed class TokenClassificationRoundTripTests : IDisposable
{
    private static readonly BioLabelMap Map = new(["PER", "LOC", "MISC"]);

    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    public static TheoryData<string, string, bool> Texts() => new()
    {
        // [[text|TYPE]] marks a span; texts cover spans at the very start and end, emoji, accents and CJK.
        { "[[John Smith|PER]] lives in [[New York|LOC]]", "start and end", false },
        { "[[Paris|LOC]]", "whole text", false },
        { "😀 [[Mary Anne|PER]] 😀 went to [[Rome|LOC]] 😀😀", "emoji outside spans", false },
        { "[[Café 😀|MISC]] is in [[Berlin|LOC]] (the city)", "emoji inside a span, accent", false },
        { "[[東京|LOC]] and [[Mary|PER]]", "CJK characters", false },
        { "[[unaffable|MISC]], [[John|PER]]'s [[cafe|MISC]]!", "punctuation next to spans", true },
        { "  [[John|PER]]  [[Smith|PER]]  ", "surrounding whitespace", true },
        { " \t ", "no tokens at all", false },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void GoldLogitsDecodeToTheOriginalSpans(string marked, string what, bool allSubTokens)
    {
        var example = Parse(marked);
        foreach (var labelAll in new[] { allSubTokens, !allSubTokens })
        {
            var encoded = Encoder(12, 3, labelAll).Encode(example);
            Assert.True(encoded.Alignment.Exact == example.Spans.Count, $"{what}: {string.Join(", ", encoded.SpanOutcomes)}");
            var decoded = new TokenClassificationDecoder(Map).Decode(encoded, GoldLogits.For(encoded, Map.Count));
            Assert.Equal(Spans(example), decoded.Select(s => (s.Start, s.End, s.Label)));
            Assert.All(decoded, s => Assert.True(s.Confidence > 0.99));
        }
    }

    [Fact]
    public void RandomLongTextsRoundTripThroughManyWindows()
    {
        var random = new Random(7);
        string[] plain = ["visited", "the", "city", "of", "and", "went", "to", "today", "is", "a", "playing", ",", ".", "😀", "Ünaffable"];
        (string Text, string Type)[] entities = [("John Smith", "PER"), ("Mary", "PER"), ("New York", "LOC"), ("Paris", "LOC"), ("Café", "MISC"), ("unaffable", "MISC")];
        for (var n = 0; n < 30; n++)
        {
            var builder = new System.Text.StringBuilder();
            var spans = new List<EntitySpan>();
            var words = random.Next(1, 120);
            for (var w = 0; w < words; w++)
            {
                if (w > 0) builder.Append(random.Next(4) == 0 ? "  " : " ");
                if (random.Next(3) == 0)
                {
                    var (text, type) = entities[random.Next(entities.Length)];
                    spans.Add(new EntitySpan(builder.Length, builder.Length + text.Length, type));
                    builder.Append(text);
                }
                else
                {
                    builder.Append(plain[random.Next(plain.Length)]);
                }
            }

            var example = new NerExample(builder.ToString(), spans);
            var maxLength = random.Next(5, 40);
            var encoded = Encoder(maxLength, random.Next(0, maxLength - 2), random.Next(2) == 0).Encode(example);
            Assert.All(encoded.Items, item => Assert.True(item.Window.Length <= maxLength));
            Assert.Equal(spans.Count, encoded.Alignment.Exact);
            var decoded = new TokenClassificationDecoder(Map).Decode(encoded, GoldLogits.For(encoded, Map.Count, seed: n));
            Assert.Equal(Spans(example), decoded.Select(s => (s.Start, s.End, s.Label)));
        }
    }

    private TokenClassificationEncoder Encoder(int maxLength, int stride, bool allSubTokens) => new(_tokenizer.Tokenizer, Map,
        new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = maxLength, Stride = stride }, LabelAllSubTokens = allSubTokens });

    private static IEnumerable<(int, int, string)> Spans(NerExample example) => example.Spans.Select(s => (s.Start, s.End, s.Label));

    // "[[text|TYPE]]" → a span over text.
    private static NerExample Parse(string marked)
    {
        var text = new System.Text.StringBuilder();
        var spans = new List<EntitySpan>();
        var i = 0;
        while (i < marked.Length)
        {
            if (marked.AsSpan(i).StartsWith("[["))
            {
                var bar = marked.IndexOf('|', i);
                var close = marked.IndexOf("]]", bar, StringComparison.Ordinal);
                spans.Add(new EntitySpan(text.Length, text.Length + bar - i - 2, marked[(bar + 1)..close]));
                text.Append(marked, i + 2, bar - i - 2);
                i = close + 2;
            }
            else
            {
                text.Append(marked[i++]);
            }
        }

        return new NerExample(text.ToString(), spans);
    }
}
