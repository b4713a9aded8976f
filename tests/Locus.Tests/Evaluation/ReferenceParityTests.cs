using System.Text.Json;
using Locus.Evaluation;

namespace Locus.Tests.Evaluation;

/// <summary>
/// Parity with reference numbers produced outside .NET: seqeval 1.2.2's entity extraction and averaging (default
/// mode with odd tags and suffixes, strict mode in all five schemes) and scikit-learn 1.2.1's
/// precision_recall_fscore_support, accuracy, confusion_matrix and hamming_loss, on randomly generated cases.
/// The fixture is Fixtures/seqeval_sklearn_parity.json (see its "source" field).
/// </summary>
public class ReferenceParityTests
{
    private const int Digits = 12;
    private static readonly JsonElement Fixture = Load();

    [Fact]
    public void EntityScoresMatchSeqeval()
    {
        var cases = Fixture.GetProperty("seqeval").EnumerateArray().ToList();
        Assert.True(cases.Count >= 100, "the fixture should hold the generated cases");
        foreach (var c in cases)
        {
            var options = new EntityEvaluationOptions
            {
                Mode = Enum.Parse<EntityEvaluationMode>(c.GetProperty("mode").GetString()!),
                Scheme = c.GetProperty("scheme").ValueKind == JsonValueKind.Null ? null : Enum.Parse<TaggingScheme>(c.GetProperty("scheme").GetString()!),
                Suffix = c.GetProperty("suffix").GetBoolean(),
            };
            var report = EntityMetrics.Evaluate(Sentences(c.GetProperty("gold")), Sentences(c.GetProperty("predicted")), options);
            var where = $"case {c}";

            var expectedTypes = c.GetProperty("perType").EnumerateArray().ToList();
            Assert.True(expectedTypes.Count == report.PerType.Count, where);
            for (var i = 0; i < expectedTypes.Count; i++)
            {
                var e = expectedTypes[i];
                var a = report.PerType[i];
                Assert.True(e.GetProperty("label").GetString() == a.Label, where);
                Assert.True((e.GetProperty("support").GetInt32(), e.GetProperty("predicted").GetInt32(), e.GetProperty("correct").GetInt32()) == (a.Support, a.Predicted, a.Correct), where);
                AssertScore(e, a.Precision, a.Recall, a.F1, where);
            }

            AssertAverage(c.GetProperty("micro"), report.Micro, where);
            AssertAverage(c.GetProperty("weighted"), report.Weighted, where);
            if (c.GetProperty("macro").ValueKind == JsonValueKind.Null)
                Assert.Equal(new AverageScore(0, 0, 0, 0), report.Macro); // seqeval: NaN; see ScoreAggregator
            else
                AssertAverage(c.GetProperty("macro"), report.Macro, where);
        }
    }

    [Fact]
    public void SingleLabelScoresMatchScikitLearn()
    {
        foreach (var c in Fixture.GetProperty("sklearnSingleLabel").EnumerateArray())
        {
            var report = ClassificationMetrics.Evaluate(Strings(c.GetProperty("gold")), Strings(c.GetProperty("predicted")));
            var where = $"case {c}";
            Assert.Equal(Strings(c.GetProperty("labels")), report.PerLabel.Select(l => l.Label).ToList());
            Assert.Equal(c.GetProperty("accuracy").GetDouble(), report.Accuracy, Digits);
            var expected = c.GetProperty("perLabel").EnumerateArray().ToList();
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].GetProperty("support").GetInt32() == report.PerLabel[i].Support, where);
                AssertScore(expected[i], report.PerLabel[i].Precision, report.PerLabel[i].Recall, report.PerLabel[i].F1, where);
            }

            AssertScore(c.GetProperty("macro"), report.Macro.Precision, report.Macro.Recall, report.Macro.F1, where);
            AssertScore(c.GetProperty("weighted"), report.Weighted.Precision, report.Weighted.Recall, report.Weighted.F1, where);
            var matrix = c.GetProperty("confusion").EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToList();
            Assert.Equal(matrix, report.ConfusionMatrix.Counts.Select(r => r.ToArray()).ToList());
        }
    }

    [Fact]
    public void MultiLabelScoresMatchScikitLearn()
    {
        foreach (var c in Fixture.GetProperty("sklearnMultiLabel").EnumerateArray())
        {
            var options = new ClassificationOptions { Labels = Strings(c.GetProperty("labels")) };
            var report = MultiLabelMetrics.Evaluate(LabelSets(c.GetProperty("gold")), LabelSets(c.GetProperty("predicted")), options);
            var where = $"case {c}";
            Assert.Equal(c.GetProperty("subsetAccuracy").GetDouble(), report.SubsetAccuracy, Digits);
            Assert.Equal(c.GetProperty("hammingLoss").GetDouble(), report.HammingLoss, Digits);
            AssertScore(c.GetProperty("micro"), report.Micro.Precision, report.Micro.Recall, report.Micro.F1, where);
            AssertScore(c.GetProperty("macro"), report.Macro.Precision, report.Macro.Recall, report.Macro.F1, where);
            AssertScore(c.GetProperty("weighted"), report.Weighted.Precision, report.Weighted.Recall, report.Weighted.F1, where);
        }
    }

    private static void AssertAverage(JsonElement expected, AverageScore actual, string where)
    {
        AssertScore(expected, actual.Precision, actual.Recall, actual.F1, where);
        Assert.True(expected.GetProperty("support").GetInt32() == actual.Support, where);
    }

    private static void AssertScore(JsonElement expected, double precision, double recall, double f1, string where)
    {
        Assert.True(Math.Abs(expected.GetProperty("precision").GetDouble() - precision) < 1e-12, $"precision {precision}, {where}");
        Assert.True(Math.Abs(expected.GetProperty("recall").GetDouble() - recall) < 1e-12, $"recall {recall}, {where}");
        Assert.True(Math.Abs(expected.GetProperty("f1").GetDouble() - f1) < 1e-12, $"f1 {f1}, {where}");
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(x => x.GetString()!).ToList();

    private static IReadOnlyList<IReadOnlyList<string>> Sentences(JsonElement array) =>
        array.EnumerateArray().Select(s => (IReadOnlyList<string>)Strings(s)).ToList();

    private static IReadOnlyList<IReadOnlyCollection<string>> LabelSets(JsonElement array) =>
        array.EnumerateArray().Select(s => (IReadOnlyCollection<string>)Strings(s)).ToList();

    private static JsonElement Load()
    {
        const string relative = "tests/Locus.Tests/Evaluation/Fixtures/seqeval_sklearn_parity.json";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relative);
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
