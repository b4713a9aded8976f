using System.Text.Json.Nodes;
using Locus.Data;
using Locus.Synthesis;

namespace Locus.Tests.Synthesis;

public sealed class ProvenanceTests
{
    [Fact]
    public void ProvenanceTravelsInJsonlExtraFields()
    {
        var example = new ClassificationExample("Where is my card?", "card_arrival") { Id = "llm-r2-q1-0" };
        var line = JsonlWriter.ToLine(new SynthesizedExample(example, new ExampleProvenance(ExampleSource.SyntheticLlm, "llm:gpt-4o", 2)).ToExample());

        var json = JsonNode.Parse(line)!;
        Assert.Equal("llm-r2-q1-0", json["id"]!.GetValue<string>());
        Assert.Equal("""{"source":"synthetic-llm","generator":"llm:gpt-4o","round":2}""", json["provenance"]!.ToJsonString());
    }

    [Fact]
    public void ParentIdIsWrittenAndSourceNamesRoundTrip()
    {
        var json = new ExampleProvenance(ExampleSource.SyntheticMentionReplacement, "mention-replacement", ParentId: "seed-3").ToJson().GetRawText();
        Assert.Equal("""{"source":"synthetic-mention-replacement","generator":"mention-replacement","parent":"seed-3"}""", json);
        foreach (var source in Enum.GetValues<ExampleSource>()) Assert.Equal(source, ExampleSources.TryParse(source.ToName()));
        Assert.Null(ExampleSources.TryParse("synthetic"));
    }
}
