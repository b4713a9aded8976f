using Locus.Data;
using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

public sealed class LabelMapTests
{
    private static LabelSchema NerSchema(params string[] types) => new(DataTask.Ner, types.Select(t => new LabelDefinition(t)));

    [Fact]
    public void BioMapFromSchemaListsOutsideThenBeginAndInsidePerTypeInSchemaOrder()
    {
        var map = BioLabelMap.FromSchema(NerSchema("PER", "LOC", "creative-work"));
        Assert.Equal(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-creative-work", "I-creative-work"], map.Labels);
        Assert.Equal(0, map.OutsideId);
        Assert.Equal(3, map.BeginId(1));
        Assert.Equal(6, map.InsideId(2));
        Assert.Equal(2, map.TypeIndexOf("creative-work"));
        Assert.Equal(-1, map.TypeOf(0));
        Assert.True(map.IsBegin(5));
        Assert.False(map.IsBegin(6));
    }

    [Fact]
    public void BioMapReadsAnId2LabelListInAnyOrder()
    {
        var map = BioLabelMap.FromId2Label(["B-LOC", "I-PER", "O", "I-LOC", "B-PER"]);
        Assert.Equal(2, map.OutsideId);
        Assert.Equal(["LOC", "PER"], map.EntityTypes);
        Assert.Equal(4, map.BeginId(map.TypeIndexOf("PER")!.Value));
        Assert.Equal(3, map.InsideId(map.TypeIndexOf("LOC")!.Value));
    }

    [Theory]
    [InlineData(new[] { "B-PER", "I-PER" }, "no O")]
    [InlineData(new[] { "O", "B-PER" }, "I-PER")]
    [InlineData(new[] { "O", "S-PER" }, "not a BIO tag")]
    [InlineData(new[] { "O", "B-PER", "I-PER", "B-PER" }, "twice")]
    public void BioMapRejectsBrokenLabelLists(string[] labels, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BioLabelMap.FromId2Label(labels));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void MapsRefuseASchemaOfTheOtherTask()
    {
        Assert.Throws<LocusException>(() => BioLabelMap.FromSchema(new LabelSchema(DataTask.Classification, [new("a")])));
        Assert.Throws<LocusException>(() => ClassLabelMap.FromSchema(NerSchema("PER")));
    }

    [Fact]
    public void ClassMapKeepsSchemaOrder()
    {
        var map = ClassLabelMap.FromSchema(new LabelSchema(DataTask.Classification, [new("sports"), new("business"), new("world")]));
        Assert.Equal(["sports", "business", "world"], map.Labels);
        Assert.Equal(1, map.TryIdOf("business"));
        Assert.Null(map.TryIdOf("Business"));
    }
}
