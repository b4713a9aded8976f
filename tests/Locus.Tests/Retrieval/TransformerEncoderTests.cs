using System.Numerics.Tensors;
using Locus.Models.Encoders;
using Locus.Models.Tokenization;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;
using Locus.Tests.TestSupport;
using System.Text.Json;
using static TorchSharp.torch;

namespace Locus.Tests.Retrieval;

public class TransformerEncoderTests
{
    private const string Sentence = "the cat sat on the mat.";

    private static TransformerSentenceEncoder Encoder(string folder, SentencePooling pooling = SentencePooling.Mean, string queryPrefix = "", string passagePrefix = "", bool bf16 = false, int? maxLength = null) =>
        new(new TransformerEncoderOptions { ModelPath = folder, Pooling = pooling, QueryPrefix = queryPrefix, PassagePrefix = passagePrefix, BFloat16 = bf16, MaxLength = maxLength });

    /// <summary>The last hidden state of each window of <paramref name="text"/>, run alone: [tokens, hidden] per window.</summary>
    private static float[][][] HiddenStates(string folder, string text, int maxLength)
    {
        var tokenizer = TokenizerFactory.FromFolder(folder);
        using var model = EncoderModels.Load(folder);
        model.eval();
        using var inference = inference_mode();
        var encoding = tokenizer.Encode(text, null, EncodeOptions.Truncated(maxLength));
        return encoding.Overflowing.Prepend(encoding).Select(window =>
        {
            using var scope = NewDisposeScope();
            var ids = tensor(window.Ids.Select(i => (long)i).ToArray(), [1, window.Length]);
            var hidden = model.forward(new EncoderInput(ids, ones_like(ids))).LastHiddenState[0];
            return Enumerable.Range(0, window.Length).Select(t => hidden[t].data<float>().ToArray()).ToArray();
        }).ToArray();
    }

    private static float[] Unit(float[] v)
    {
        var copy = v.ToArray();
        TensorPrimitives.Divide(copy, TensorPrimitives.Norm(copy), copy);
        return copy;
    }

    private static float[] Sum(IEnumerable<float[]> vectors)
    {
        float[]? sum = null;
        foreach (var v in vectors)
        {
            sum ??= new float[v.Length];
            TensorPrimitives.Add(sum, v, sum);
        }
        return sum!;
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"component {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public async Task MeanPoolingIsTheNormalisedAverageOfTheTokenStates()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        using var encoder = Encoder(folder);
        var tokens = HiddenStates(folder, Sentence, 64).Single();
        var mean = Sum(tokens);
        TensorPrimitives.Divide(mean, tokens.Length, mean);
        AssertClose(Unit(mean), (await encoder.EncodeAsync([Sentence]))[0]);
        Assert.Equal(16, encoder.Dimension);
    }

    [Fact]
    public async Task ClsPoolingTakesTheFirstToken()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        using var encoder = Encoder(folder, SentencePooling.Cls);
        var tokens = HiddenStates(folder, Sentence, 64).Single();
        AssertClose(Unit(tokens[0]), (await encoder.EncodeAsync([Sentence]))[0]);
    }

    [Fact]
    public async Task ATextEncodesTheSameAloneAndInAPaddedBatchAndEveryVectorHasUnitLength()
    {
        using var temp = new TempDirectory();
        using var encoder = Encoder(TinyEncoderFolder.Write(temp.File("model")));
        string[] batch = ["the dog ran in the park, the team wins the football cup.", Sentence, "a frog", ""];
        var together = await encoder.EncodeAsync(batch);
        for (var i = 0; i < batch.Length; i++)
        {
            AssertClose((await encoder.EncodeAsync([batch[i]]))[0], together[i]);
            Assert.Equal(1f, TensorPrimitives.Norm(together[i]), 5);
        }
    }

    [Fact]
    public async Task TextsLongerThanTheWindowAverageEveryWindowInsteadOfBeingCut()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        const string text = "the central bank raised interest rates, the team wins the cup, a new species was discovered in the rainforest.";
        using var encoder = Encoder(folder, maxLength: 8);
        var windows = HiddenStates(folder, text, 8);
        Assert.True(windows.Length >= 3);
        AssertClose(Unit(Sum(windows.SelectMany(w => w))), (await encoder.EncodeAsync([text]))[0]);

        using var wide = Encoder(folder);
        Assert.NotEqual(wide.ModelId, encoder.ModelId);
    }

    [Fact]
    public async Task PrefixesChangeTheVectorAndTheModelId()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        using var plain = Encoder(folder);
        using var prefixed = Encoder(folder, queryPrefix: "query: ", passagePrefix: "passage: ");
        var passage = (await prefixed.EncodeAsync([Sentence]))[0];
        var query = (await prefixed.EncodeQueriesAsync([Sentence]))[0];
        var bare = (await plain.EncodeAsync([Sentence]))[0];
        Assert.True(TensorPrimitives.Distance(passage, query) > 1e-3);
        Assert.True(TensorPrimitives.Distance(passage, bare) > 1e-3);
        AssertClose(bare, (await plain.EncodeQueriesAsync([Sentence]))[0]);
        AssertClose((await plain.EncodeAsync(["query: " + Sentence]))[0], query);

        using var queryOnly = Encoder(folder, queryPrefix: "query: ");
        using var cls = Encoder(folder, SentencePooling.Cls);
        Assert.Equal(4, new[] { plain.ModelId, prefixed.ModelId, queryOnly.ModelId, cls.ModelId }.Distinct().Count());
        using var again = Encoder(folder);
        Assert.Equal(plain.ModelId, again.ModelId);

        // Retrained weights make another model: the id hashes the folder's content, not its path.
        var other = TinyEncoderFolder.Write(temp.File("other"), seed: 8);
        using var retrained = Encoder(other);
        Assert.NotEqual(plain.ModelId, retrained.ModelId);
    }

    [Fact]
    public async Task BFloat16StaysCloseToFloat32UnderItsOwnModelId()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        using var fp32 = Encoder(folder);
        using var bf16 = Encoder(folder, bf16: true);
        Assert.NotEqual(fp32.ModelId, bf16.ModelId);
        var a = (await fp32.EncodeAsync([Sentence]))[0];
        var b = (await bf16.EncodeAsync([Sentence]))[0];
        Assert.True(TensorPrimitives.Dot(a, b) > 0.99f, $"cosine {TensorPrimitives.Dot(a, b)}");
    }

    [Fact]
    public async Task IngestAndSearchRoundTripWithTheTransformerEncoder()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        string[] sentences =
        [
            "The central bank raised interest rates.", "A new species of frog was discovered in the rainforest.",
            "The team wins the football cup.", "The dog ran in the park.", "The cat sat on the mat.",
        ];
        File.WriteAllLines(temp.File("corpus.txt"), sentences);
        var spec = new EncoderSpec { Name = EncoderSpec.Transformer, ModelPath = folder, QueryPrefix = "query: ", PassagePrefix = "passage: " };
        var directory = temp.File("idx");
        {
            // Transformer encoders are shared per process: what Create returns is a view that does not own the model.
            var encoder = spec.Create(directory, fitSample: null);
            Assert.Same(encoder.ModelId, spec.Create(directory, fitSample: null).ModelId);
            Assert.Equal(16, spec.Dimension);
            var result = await new CorpusIngestor(new CorpusIngestOptions { NearDuplicateThreshold = 0 }).IngestAsync([temp.File("corpus.txt")], directory, encoder);
            Assert.Equal(sentences.Length, result.SentencesAdded);
            spec.Save(directory);
        }

        var loaded = EncoderSpec.Load(directory)!;
        Assert.Equal(spec.Describe(), loaded.Describe());
        var searcher = loaded.Create(directory, fitSample: null);
        using var index = VectorIndex.Open(Path.Combine(directory, CorpusIngestor.IndexFileName));
        Assert.Equal(searcher.ModelId, index.ModelId);
        for (var i = 0; i < sentences.Length; i++)
        {
            // The stored vector of a sentence is its passage encoding, and the query path adds the query prefix.
            var passage = (await searcher.EncodeAsync([sentences[i]]))[0];
            Assert.Equal(i, index.Search(passage, new IndexSearchOptions { K = 1, Exact = true })[0].Row);
            var query = (await searcher.EncodeQueriesAsync([sentences[i]]))[0];
            var hits = index.Search(query, new IndexSearchOptions { K = sentences.Length, Exact = true });
            Assert.Equal(TensorPrimitives.Dot(query, passage), hits.Single(h => h.Row == i).Score, 5);
        }
    }

    [Fact]
    public async Task TheCommandLineIngestsWithPassagePrefixesAndSearchesWithTheQueryPrefix()
    {
        using var temp = new TempDirectory();
        var folder = TinyEncoderFolder.Write(temp.File("model"));
        File.WriteAllLines(temp.File("corpus.txt"), ["The dog ran in the park.", "The central bank raised interest rates.", "The cat sat on the mat."]);
        var index = temp.File("idx");
        var (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("corpus.txt"), "--index", index, "--encoder", "transformer",
            "--model", folder, "--pooling", "Cls", "--query-prefix", "query: ", "--passage-prefix", "passage: ", "--exact-only");
        Assert.True(code == 0, error);

        (code, var output, error) = await CliRun.Locus("corpus", "search", "--index", index, "--query", "The cat sat on the mat.", "-k", "3", "--json");
        Assert.True(code == 0, error);
        using var encoder = Encoder(folder, SentencePooling.Cls, "query: ", "passage: ");
        var query = (await encoder.EncodeQueriesAsync(["The cat sat on the mat."]))[0];
        var passage = (await encoder.EncodeAsync(["The cat sat on the mat."]))[0];
        using var hits = JsonDocument.Parse(output);
        var hit = hits.RootElement.EnumerateArray().Single(h => h.GetProperty("text").GetString() == "The cat sat on the mat.");
        Assert.Equal(TensorPrimitives.Dot(query, passage), hit.GetProperty("score").GetSingle(), 5);

        // Another setting on the same index is refused with what it was built with.
        (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("corpus.txt"), "--index", index, "--encoder", "transformer", "--model", folder);
        Assert.Equal(1, code);
        Assert.Contains("pooling cls", error);
        // Naming no encoder gets the built-in MiniLM, kept as a portable builtin: reference.
        (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("corpus.txt"), "--index", temp.File("idx2"), "--exact-only");
        Assert.True(code == 0, error);
        var spec = EncoderSpec.LoadRequired(temp.File("idx2"));
        Assert.Equal((EncoderSpec.Transformer, "builtin:all-MiniLM-L6-v2", SentencePooling.Mean, 384), (spec.Name, spec.ModelPath, spec.Pooling, spec.Dimension));
        (code, _, error) = await CliRun.Locus("corpus", "ingest", "--in", temp.File("corpus.txt"), "--index", temp.File("idx3"), "--model", temp.File("absent"));
        Assert.Equal(1, code);
        Assert.Contains("--model", error);
    }
}
