using Locus.Data;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Long texts cut into overlapping windows: nothing truncated, every window within the limit, mapped back to the text.</summary>
public sealed class WindowingTests : IDisposable
{
    private readonly TaskTokenizer _tokenizer = new();

    public void Dispose() => _tokenizer.Dispose();

    [Fact]
    public void ALongTextIsCutIntoWindowsThatOverlapByTheStrideAndCoverEveryToken()
    {
        var text = string.Concat(Enumerable.Repeat("John Smith visited the city of Rome today. ", 9)).TrimEnd();
        var options = new WindowOptions { MaxLength = 12, Stride = 3 };
        var tokens = TokenizedText.Create(_tokenizer.Tokenizer, text, options);

        Assert.Equal(81, tokens.TokenCount); // 8 words and a full stop, 9 times
        // budget 10, step 7: starts 0, 7, ..., 77 (the last ends at 81)
        Assert.Equal(12, tokens.Windows.Count);
        var covered = new int[tokens.TokenCount];
        for (var w = 0; w < tokens.Windows.Count; w++)
        {
            var window = tokens.Windows[w];
            Assert.Equal(w, window.WindowIndex);
            Assert.True(window.Length <= 12);
            Assert.Equal(7 * w, window.ContentStart);
            Assert.Equal(TaskTokenizer.Id("[CLS]"), window.InputIds[0]);
            Assert.Equal(TaskTokenizer.Id("[SEP]"), window.InputIds[^1]);
            Assert.Equal(-1, window.TextTokenAt(0));
            for (var p = window.ContentPosition; p < window.ContentPosition + window.ContentLength; p++)
            {
                var token = window.TextTokenAt(p);
                covered[token]++;
                var offset = window.OffsetAt(p);
                Assert.Equal(tokens.Offsets[token], offset);
                Assert.Equal(TaskTokenizer.Vocabulary[window.InputIds[p]], text[offset.Start..offset.End].ToLowerInvariant());
            }
        }

        Assert.All(covered, c => Assert.InRange(c, 1, 2));
        Assert.Equal(3, covered.Skip(7).Take(3).Count(c => c == 2)); // the stride is repeated
        Assert.Equal(4, tokens.Windows[^1].ContentLength);
    }

    [Fact]
    public void AShortTextIsOneWindowSharingTheTokenizersArrays()
    {
        var tokens = TokenizedText.Create(_tokenizer.Tokenizer, "John lives in Rome", new WindowOptions { MaxLength = 6, Stride = 1 });
        var window = Assert.Single(tokens.Windows);
        Assert.Equal(6, window.Length);
        Assert.Equal(4, window.ContentLength);
    }

    [Fact]
    public void EveryWordKeepsItsLabelInSomeWindow()
    {
        var words = "playing unaffable John Smith visited Paris and Berlin".Split(' ');
        var text = string.Join(' ', Enumerable.Range(0, 40).Select(i => words[i % words.Length]));
        var encoder = new TokenClassificationEncoder(_tokenizer.Tokenizer, new BioLabelMap(["PER"]),
            new TokenClassificationOptions { Windows = new WindowOptions { MaxLength = 9, Stride = 2 } });
        var encoded = encoder.Encode(new NerExample(text, []));

        Assert.True(encoded.Items.Count > 5);
        var labelledWords = new HashSet<int>();
        foreach (var item in encoded.Items)
        {
            Assert.True(item.Window.Length <= 9);
            for (var p = 0; p < item.Window.Length; p++)
            {
                if (item.Labels![p] == TokenLabels.Ignore) continue;
                labelledWords.Add(encoded.Units.UnitOfToken(item.Window.TextTokenAt(p)));
            }
        }

        Assert.Equal(40, encoded.Units.Count);
        Assert.Equal(40, labelledWords.Count);
    }
}
