using Locus.Synthesis;

namespace Locus.Tests.Synthesis;

public sealed class LlmJsonOutputTests
{
    private const string Good = """{"examples": [{"text": "a", "label": "x"}, {"text": "b", "label": "y"}]}""";

    [Theory]
    [InlineData(Good)]
    [InlineData("  \n" + Good + "\n ")]
    [InlineData("```json\n" + Good + "\n```")]
    [InlineData("```JSON\n" + Good + "\n```\n")]
    [InlineData("```\n" + Good + "\n```")]
    public void ReadsTheExamplesOfAPlainOrFencedObject(string answer)
    {
        var items = LlmJsonOutput.TryReadExamples(answer, out var problem);
        Assert.Null(problem);
        Assert.NotNull(items);
        Assert.Equal(["a", "b"], items.Select(i => i.GetProperty("text").GetString()));
    }

    [Theory]
    [InlineData("Sure! Here you go: " + Good, "malformed JSON")]
    [InlineData(Good + " Hope this helps.", "malformed JSON")]
    [InlineData("""{"examples": [{"text": "a", "label": "x"},]}""", "malformed JSON")]
    [InlineData("""{"examples": [{"text": "a", "label": "x"}""", "malformed JSON")]
    [InlineData("""[{"text": "a", "label": "x"}]""", "found a JSON array")]
    [InlineData("""{"data": []}""", "no \"examples\" array")]
    [InlineData("""{"examples": "none"}""", "no \"examples\" array")]
    [InlineData("```json\n" + Good, "not closed")]
    [InlineData("```python\n" + Good + "\n```", "language 'python'")]
    [InlineData("   ", "empty answer")]
    public void RejectsAnythingElseWithAReason(string answer, string reason)
    {
        var items = LlmJsonOutput.TryReadExamples(answer, out var problem);
        Assert.Null(items);
        Assert.Contains(reason, problem);
    }
}
