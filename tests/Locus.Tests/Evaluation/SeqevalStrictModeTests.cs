using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>seqeval's strict mode: only entities well formed in the scheme count.</summary>
public class SeqevalStrictModeTests
{
    [Fact]
    public void Iob2IgnoresAnEntityStartedByI()
    {
        Assert.Empty(Strict(TaggingScheme.IOB2, "O I-PER I-PER O"));

        // Default mode counts the gold I-PER I-PER as an entity and scores the prediction perfectly; strict does not.
        string[] gold = ["O I-PER I-PER O"], predicted = ["O B-PER I-PER O"];
        Assert.Equal(1.0, Score(gold, predicted).Micro.F1);
        var strict = Score(gold, predicted, StrictMode(TaggingScheme.IOB2));
        Assert.Equal([new LabelScore("PER", 0, 0, 0, 0, 1, 0)], strict.PerType);
        Assert.Equal(0.0, strict.Micro.F1);
        Assert.Contains(strict.Warnings, w => w.StartsWith("recall is ill-defined", StringComparison.Ordinal) && w.EndsWith("PER", StringComparison.Ordinal));
    }

    [Fact]
    public void Iob2TypeChangeClosesTheEntityAndDropsTheStrayI()
    {
        Assert.Equal(["0:0-1:PER"], Strict(TaggingScheme.IOB2, "B-PER I-LOC I-LOC"));
        Assert.Equal(["0:0-2:PER", "0:2-3:PER"], Strict(TaggingScheme.IOB2, "B-PER I-PER B-PER"));
    }

    [Fact]
    public void Iob2EntityAtSentenceEndCounts()
    {
        Assert.Equal(["0:1-3:LOC", "1:0-1:PER"], Strict(TaggingScheme.IOB2, "O B-LOC I-LOC", "B-PER"));
    }

    [Fact]
    public void IobesNeedsAnEndOrSingleTag()
    {
        Assert.Empty(Strict(TaggingScheme.IOBES, "O B-LOC I-LOC"));
        Assert.Equal(["0:1-3:LOC"], Strict(TaggingScheme.IOBES, "O B-LOC E-LOC"));
        Assert.Equal(["0:0-1:PER", "0:1-4:LOC", "0:4-5:PER"], Strict(TaggingScheme.IOBES, "S-PER B-LOC I-LOC E-LOC S-PER"));
        // An E- of another type does not close a B-: neither token forms an entity.
        Assert.Empty(Strict(TaggingScheme.IOBES, "B-LOC E-PER"));
    }

    [Fact]
    public void BilouUsesLastAndUnitPrefixes()
    {
        Assert.Equal(["0:0-1:PER", "0:1-4:LOC"], Strict(TaggingScheme.BILOU, "U-PER B-LOC I-LOC L-LOC O"));
        Assert.Empty(Strict(TaggingScheme.BILOU, "B-LOC I-LOC O"));
    }

    [Fact]
    public void Ioe2EntitiesEndWithE()
    {
        Assert.Equal(["0:0-2:PER", "0:2-3:LOC"], Strict(TaggingScheme.IOE2, "I-PER E-PER E-LOC O"));
        Assert.Empty(Strict(TaggingScheme.IOE2, "I-PER I-PER O"));
    }

    [Fact]
    public void Iob1UsesBOnlyBetweenAdjacentEntitiesOfOneType()
    {
        Assert.Equal(["0:0-2:PER", "0:2-3:PER"], Strict(TaggingScheme.IOB1, "I-PER I-PER B-PER O"));
    }

    [Fact]
    public void APrefixTheSchemeDoesNotAllowIsAnErrorNamingItsPosition()
    {
        var error = Assert.Throws<LocusException>(() => Strict(TaggingScheme.IOB2, "O O", "B-PER E-PER"));
        Assert.Contains("sentence 1, token 1", error.Message);
        Assert.Contains("'E-PER'", error.Message);
        Assert.Contains("I, O, B", error.Message);
        Assert.Throws<LocusException>(() => Strict(TaggingScheme.IOBES, "PER"));
    }

    [Fact]
    public void StrictModeReportsTheSchemeAndDetectsItWhenNotGiven()
    {
        var report = Score(["S-PER O B-LOC E-LOC"], ["S-PER O B-LOC I-LOC"], new EntityEvaluationOptions { Mode = EntityEvaluationMode.Strict });

        Assert.Equal(TaggingScheme.IOBES, report.Scheme);
        // Gold: PER and LOC; predicted: only PER is well formed.
        Assert.Equal([new LabelScore("LOC", 0, 0, 0, 1, 0, 0), new LabelScore("PER", 1, 1, 1, 1, 1, 1)], report.PerType);
        Assert.Equal(1.0, report.Micro.Precision);
        Assert.Equal(0.5, report.Micro.Recall);
        Assert.Equal(2.0 / 3, report.Micro.F1, 15);
    }

    [Fact]
    public void SchemeDetectionFollowsSeqevalPrefixSets()
    {
        Assert.Equal(TaggingScheme.IOB2, TaggingSchemes.Detect(Sentences("B-PER O", "B-LOC")));
        Assert.Equal(TaggingScheme.IOB2, TaggingSchemes.Detect(Sentences("B-PER I-PER O")));
        Assert.Equal(TaggingScheme.IOE2, TaggingSchemes.Detect(Sentences("I-PER E-PER O")));
        Assert.Equal(TaggingScheme.IOBES, TaggingSchemes.Detect(Sentences("S-PER O B-LOC E-LOC")));
        Assert.Equal(TaggingScheme.BILOU, TaggingSchemes.Detect(Sentences("U-PER O B-LOC L-LOC")));
        Assert.Equal(TaggingScheme.IOB2, TaggingSchemes.Detect(Sentences("PER-B O"), suffix: true));
        // Only O, or a mix that fits no scheme: seqeval raises, so do we.
        Assert.Throws<LocusException>(() => TaggingSchemes.Detect(Sentences("O O")));
        Assert.Throws<LocusException>(() => TaggingSchemes.Detect(Sentences("B-PER E-PER U-LOC")));
    }

    [Fact]
    public void StrictSuffixTagsTrimTheDelimiter()
    {
        var entities = StrictChunker.Chunk(Sentences("PER-B PER-I O"), TaggingScheme.IOB2, suffix: true);
        Assert.Equal(["0:0-2:PER"], Describe(entities));
    }
}
