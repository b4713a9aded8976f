using Locus.Evaluation;
using static Locus.Tests.Evaluation.Tags;

namespace Locus.Tests.Evaluation;

/// <summary>Zero division, macro and weighted averages, and the report text, hand-computed.</summary>
public class EntityAveragesTests
{
    [Fact]
    public void EmptyPredictionsGiveZeroPrecisionWithAWarning()
    {
        var report = Score(["B-PER O B-LOC"], ["O O O"]);

        Assert.Equal(new AverageScore(0, 0, 0, 2), report.Micro);
        Assert.Equal([new LabelScore("LOC", 0, 0, 0, 1, 0, 0), new LabelScore("PER", 0, 0, 0, 1, 0, 0)], report.PerType);
        Assert.Contains("precision is ill-defined and set to 0 for labels with no predicted entities: LOC, PER", report.Warnings);
        Assert.Contains("micro precision is ill-defined and set to 0: there are no predicted entities", report.Warnings);
    }

    [Fact]
    public void ZeroDivisionOneSetsUndefinedScoresToOneSilently()
    {
        var options = new EntityEvaluationOptions { ZeroDivision = ZeroDivision.One };
        var noPredictions = Score(["B-PER O"], ["O O"], options);
        // Precision 1 (undefined), recall 0: F1 = 2*1*0/(1+0) = 0.
        Assert.Equal(new AverageScore(1, 0, 0, 1), noPredictions.Micro);
        Assert.Equal(new AverageScore(1, 0, 0, 1), noPredictions.Weighted);
        Assert.Empty(noPredictions.Warnings);

        // Nothing anywhere: precision and recall both undefined, so 1, and F1 1 (seqeval gives the same).
        var nothing = Score(["O"], ["O"], options);
        Assert.Equal(new AverageScore(1, 1, 1, 0), nothing.Micro);
        Assert.Equal(new AverageScore(1, 1, 1, 0), nothing.Weighted);
    }

    [Fact]
    public void WeightedAverageWithoutGoldEntitiesFollowsTheLibrarySpecialCase()
    {
        // Predictions but no gold: precision and F1 are 0 (something was predicted), recall the zero-division value.
        Assert.Equal(new AverageScore(0, 0, 0, 0), Score(["O O"], ["B-PER O"]).Weighted);
        Assert.Equal(new AverageScore(0, 1, 0, 0), Score(["O O"], ["B-PER O"], new EntityEvaluationOptions { ZeroDivision = ZeroDivision.One }).Weighted);
    }

    [Fact]
    public void MacroAndWeightedAveragesDifferWhenSupportIsUneven()
    {
        // Gold: PER x3, LOC x1. Predicted: PER x2 correct, LOC wrong span.
        string[] gold = ["B-PER O B-PER O B-PER O B-LOC I-LOC"];
        string[] predicted = ["B-PER O B-PER O O O B-LOC O"];
        var report = Score(gold, predicted);

        // LOC: P 0/1, R 0/1, F 0. PER: P 2/2 = 1, R 2/3, F 0.8.
        Assert.Equal(["LOC", "PER"], report.PerType.Select(t => t.Label));
        Assert.Equal(0.8, report.PerType[1].F1, 15);
        // Macro: P (0+1)/2, R (0+2/3)/2 = 1/3, F (0+0.8)/2.
        Assert.Equal(0.5, report.Macro.Precision, 15);
        Assert.Equal(1.0 / 3, report.Macro.Recall, 15);
        Assert.Equal(0.4, report.Macro.F1, 15);
        // Weighted by support 1 and 3: P 3/4, R (2/3*3)/4 = 1/2, F (0.8*3)/4 = 0.6.
        Assert.Equal(0.75, report.Weighted.Precision, 15);
        Assert.Equal(0.5, report.Weighted.Recall, 15);
        Assert.Equal(0.6, report.Weighted.F1, 15);
        // Micro: 2 correct of 3 predicted, of 4 gold: F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7.
        Assert.Equal(4.0 / 7, report.Micro.F1, 12);
    }

    [Fact]
    public void TypesOnlyInThePredictionsGetARowAndCountInTheMacroAverage()
    {
        var report = Score(["B-PER O"], ["B-PER B-ORG"]);

        Assert.Equal([new LabelScore("ORG", 0, 0, 0, 0, 1, 0), new LabelScore("PER", 1, 1, 1, 1, 1, 1)], report.PerType);
        Assert.Equal(0.5, report.Macro.F1);
        Assert.Equal(1.0, report.Weighted.F1);
    }

    [Fact]
    public void ReportTextRoundsHalfToEvenLikePython()
    {
        // PER: 1 correct of 8 predicted: precision 0.125 prints as 0.12 (Python's '{:.2f}' rounds to even), and a
        // type name longer than "weighted avg" widens the first column.
        string[] gold = ["B-PERSON_NAME_X O O O O O O O"];
        string[] predicted = ["B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X B-PERSON_NAME_X"];
        var text = Score(gold, predicted).ToText(digits: 2);

        var lines = text.Split('\n');
        Assert.Equal(new string(' ', 15) + "precision    recall  f1-score   support", lines[0]);
        Assert.Equal("PERSON_NAME_X       0.12      1.00      0.22         1", lines[2]);
        Assert.Equal(" weighted avg       0.12      1.00      0.22         1", lines[6]);
        Assert.Contains("0.1250", Score(gold, predicted).ToText(digits: 4));
    }
}
