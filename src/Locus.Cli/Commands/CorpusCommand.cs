using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Locus.Models.Builtin;
using Locus.Retrieval.Embeddings;
using Locus.Retrieval.Index;
using Locus.Retrieval.Ingestion;
using Spectre.Console;

namespace Locus.Cli.Commands;

/// <summary><c>locus corpus</c>: build, search and describe a sentence index over a text corpus.</summary>
public static class CorpusCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var corpus = new Command("corpus", "Build, search and describe a sentence-embedding index over a text corpus.");
        corpus.Subcommands.Add(CreateIngest());
        corpus.Subcommands.Add(CreateSearch());
        corpus.Subcommands.Add(CreateStats());
        return corpus;
    }

    private static Option<string> IndexOption() => new("--index") { Description = "Index directory (index.lvi, encoder.json, checkpoint.json).", Required = true };

    private static Option<bool> JsonOption() => new("--json") { Description = "Write machine-readable JSON to stdout." };

    private static Command CreateIngest()
    {
        var inputs = new Option<string[]>("--in") { Description = "Corpus files or directories (.txt one document per line, .jsonl, .conll/.tsv token per line).", Required = true, AllowMultipleArgumentsPerToken = true };
        var index = IndexOption();
        var encoder = new Option<string>("--encoder") { Description = $"Sentence encoder ({string.Join(", ", EncoderSpec.KnownNames)}): a neural model (default) or the fast model-free lexical encoder.", DefaultValueFactory = _ => EncoderSpec.Transformer };
        encoder.AcceptOnlyFromAmong([.. EncoderSpec.KnownNames]);
        var dimension = new Option<int>("--dim") { Description = "Vector length of the lexical encoder.", DefaultValueFactory = _ => new LexicalEncoderOptions().Dimension };
        var model = new Option<string>("--model") { Description = "Model of the transformer encoder: builtin:NAME, a Hugging Face folder, or the output of 'locus pretrain'.", DefaultValueFactory = _ => BuiltinModels.DefaultReference };
        var pooling = new Option<SentencePooling?>("--pooling") { Description = "Transformer pooling: Mean (average of token vectors) or Cls (first token); default: the built-in model's, else Mean." };
        var queryPrefix = new Option<string?>("--query-prefix") { Description = "Text put before each search query (E5: \"query: \"); default: the built-in model's, else none." };
        var passagePrefix = new Option<string>("--passage-prefix") { Description = "Text put before each indexed sentence (E5: \"passage: \").", DefaultValueFactory = _ => "" };
        var bf16 = new Option<bool>("--bf16") { Description = "Run the transformer in bfloat16 (faster on CPUs with AVX512-BF16/AMX)." };
        var window = new Option<int?>("--max-length") { Description = "Transformer window in tokens (default: the model's limit); longer sentences are encoded as averaged windows." };
        var format = new Option<CorpusFormat>("--format") { Description = "Input layout; Auto decides by extension.", DefaultValueFactory = _ => CorpusFormat.Auto };
        var textField = new Option<string>("--text-field") { Description = "JSON field holding the text in .jsonl input.", DefaultValueFactory = _ => "text" };
        var dataType = new Option<VectorDataType>("--dtype") { Description = "Vector storage: Float32, Float16 or Int8.", DefaultValueFactory = _ => VectorDataType.Float32 };
        var defaults = new HnswOptions();
        var m = new Option<int>("--hnsw-m") { Description = "HNSW links per node (layer 0 keeps 2M).", DefaultValueFactory = _ => defaults.M };
        var efConstruction = new Option<int>("--hnsw-ef-construction") { Description = "HNSW candidate list size while building.", DefaultValueFactory = _ => defaults.EfConstruction };
        var efSearch = new Option<int>("--hnsw-ef-search") { Description = "HNSW candidate list size saved as the query default.", DefaultValueFactory = _ => defaults.EfSearch };
        var hnswThreads = new Option<int>("--hnsw-threads") { Description = "Threads that build the HNSW graph; 1 (default) writes the same index on every run, more are faster but not reproducible.", DefaultValueFactory = _ => 1 }.InRange(1, 1024);
        var exactOnly = new Option<bool>("--exact-only") { Description = "Build no HNSW graph; every search scans all vectors." };
        var batchSize = new Option<int>("--batch-size") { Description = "Sentences encoded per batch.", DefaultValueFactory = _ => 512 }.InRange(1, null);
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Sentences between checkpoints (resume points).", DefaultValueFactory = _ => 100_000 };
        var nearDup = new Option<double>("--near-dup") { Description = "Word-bigram Jaccard similarity at which a sentence is a near duplicate (MinHash); 0 turns it off.", DefaultValueFactory = _ => 0.7 };
        var idfSample = new Option<int>("--idf-sample") { Description = "Sentences read to fit the lexical encoder's idf weights (first run only).", DefaultValueFactory = _ => 200_000 };
        var cache = new Option<string?>("--embedding-cache") { Description = "Directory of an on-disk embedding cache (keyed by model id and text)." };
        var json = JsonOption();

        var command = new Command("ingest", "Read a corpus, split it into sentences, drop duplicates, embed and index them; resumes an interrupted run.")
        {
            inputs, index, encoder, dimension, model, pooling, queryPrefix, passagePrefix, bf16, window, format, textField, dataType, m, efConstruction, efSearch, hnswThreads, exactOnly,
            batchSize, checkpointEvery, nearDup, idfSample, cache, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var directory = parse.GetValue(index)!;
            if (File.Exists(directory)) throw new LocusException($"--index {directory} is a file; give a folder for the index");
            var options = new CorpusIngestOptions
            {
                Format = parse.GetValue(format),
                TextField = parse.GetValue(textField)!,
                BatchSize = parse.GetValue(batchSize),
                CheckpointInterval = parse.GetValue(checkpointEvery),
                NearDuplicateThreshold = parse.GetValue(nearDup),
                Index = new VectorIndexOptions
                {
                    DataType = parse.GetValue(dataType),
                    Hnsw = parse.GetValue(exactOnly) ? null : new HnswOptions
                    {
                        M = parse.GetValue(m), EfConstruction = parse.GetValue(efConstruction), EfSearch = parse.GetValue(efSearch),
                        MaxDegreeOfParallelism = parse.GetValue(hnswThreads),
                    },
                },
            };
            options.Index.Hnsw?.Validate();
            var files = CorpusReader.ExpandInputs(parse.GetValue(inputs)!);
            var createdHere = !Directory.Exists(directory);
            Directory.CreateDirectory(directory);
            IngestProgress result;
            try
            {
                var spec = EncoderSpec.Load(directory);
                var requested = RequestedEncoder(parse.GetValue(encoder)!, parse.GetValue(model)!, parse.GetValue(dimension));
                if (parse.GetValue(pooling) is { } chosenPooling) requested.Pooling = chosenPooling;
                if (parse.GetValue(queryPrefix) is { } chosenPrefix) requested.QueryPrefix = chosenPrefix;
                requested.PassagePrefix = parse.GetValue(passagePrefix)!;
                requested.BFloat16 = parse.GetValue(bf16);
                requested.MaxLength = parse.GetValue(window);
                if (spec is not null && spec.Describe() != requested.Describe())
                    throw new LocusException($"{directory}: the index was built with {spec.Describe()}; ingest into another directory to use {requested.Describe()}");
                spec ??= requested;
                var sampleSize = parse.GetValue(idfSample);
                var reader = new CorpusReader(options.Format, options.TextField);
                var sentenceEncoder = spec.Create(directory, () => reader.ReadSentences(files, cancellationToken).Take(sampleSize), CliLogging.Logger);
                using var disposeEncoder = sentenceEncoder as IDisposable;
                spec.Save(directory);
                using var cached = parse.GetValue(cache) is { } cacheDirectory ? new CachedSentenceEncoder(sentenceEncoder, cacheDirectory) : null;

                var lastReport = Stopwatch.StartNew();
                // On a terminal an open-ended bar (the corpus size is unknown until it is read) shows the counts live.
                var bar = (error as TerminalProgress)?.AddBar("ingest", total: null);
                var progress = new SynchronousProgress<IngestProgress>(p =>
                {
                    if (bar is not null)
                    {
                        bar.Description = Markup.Escape(Describe(p));
                        return;
                    }
                    if (lastReport.Elapsed.TotalSeconds < 2) return;
                    lastReport.Restart();
                    error.WriteLine(Describe(p));
                });
                result = await new CorpusIngestor(options, CliLogging.Logger).IngestAsync(files, directory, (ISentenceEncoder?)cached ?? sentenceEncoder, progress, cancellationToken);
                bar?.StopTask();
            }
            catch (Exception e) when (e is not OperationCanceledException && createdHere && !File.Exists(Path.Combine(directory, CorpusIngestor.IndexFileName)))
            {
                // Failed before any vector was stored (bad input, a wrong model): leave no half-made index folder behind.
                // A cancelled run keeps its folder, whose checkpoint says it is incomplete and how to finish it.
                Directory.Delete(directory, recursive: true);
                throw;
            }
            if (parse.GetValue(json)) output.WriteLine(LocusJson.Serialize(result));
            else output.WriteLine($"done: {Describe(result)}");
            return LocusCli.Ok;
        });
        return command;
    }

    private static EncoderSpec RequestedEncoder(string name, string model, int dimension) =>
        name == EncoderSpec.Lexical ? new EncoderSpec { Name = EncoderSpec.Lexical, Dimension = dimension } : EncoderSpec.ForModel(model, "--model");

    private static Command CreateSearch()
    {
        var index = IndexOption();
        var query = new Option<string>("--query") { Description = "Text to find similar sentences for.", Required = true };
        var k = new Option<int>("-k") { Description = "Number of results.", DefaultValueFactory = _ => 10 };
        var mmr = new Option<float?>("--mmr") { Description = "Re-rank for diversity with maximal marginal relevance, λ in [0,1] (1 = pure relevance)." };
        var efSearch = new Option<int?>("--ef-search") { Description = "HNSW candidate list size for this query (default: the index's)." };
        var exact = new Option<bool>("--exact") { Description = "Scan all vectors instead of walking the HNSW graph." };
        var json = JsonOption();
        var command = new Command("search", "Find the sentences of an index most similar to a query.") { index, query, k, mmr, efSearch, exact, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = parse.GetValue(index)!;
            var lambda = parse.GetValue(mmr);
            if (lambda is < 0 or > 1) throw new LocusException($"--mmr must be between 0 and 1 (got {lambda})");
            if (parse.GetValue(k) < 1) throw new LocusException($"-k must be positive (got {parse.GetValue(k)})");
            using var searchable = SearchableIndex.Open(directory);
            var text = parse.GetValue(query)!;
            var vector = (await searchable.Encoder.EncodeQueriesAsync([text], cancellationToken))[0];
            var hits = searchable.Index.Search(vector, new IndexSearchOptions { K = parse.GetValue(k), MmrLambda = lambda, EfSearch = parse.GetValue(efSearch), Exact = parse.GetValue(exact) });
            if (parse.GetValue(json))
            {
                output.WriteLine(LocusJson.Serialize(hits.Select(h => new { h.Row, h.Score, h.Metadata.Key, h.Metadata.Text, h.Metadata.Source, h.Metadata.Line })));
                return LocusCli.Ok;
            }
            var rank = 0;
            foreach (var hit in hits)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{++rank,3}  {hit.Score:0.0000}  {hit.Metadata.Text}    [{hit.Metadata.Source}:{hit.Metadata.Line}]"));
            return LocusCli.Ok;
        });
        return command;
    }

    private static Command CreateStats()
    {
        var index = IndexOption();
        var json = JsonOption();
        var command = new Command("stats", "Describe an index: size, encoder, storage, graph and ingestion state.") { index, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = parse.GetValue(index)!;
            using var vectorIndex = OpenIndex(directory);
            var checkpoint = IngestCheckpoint.Load(directory);
            var graph = vectorIndex.Graph;
            var stats = new
            {
                File = Path.Combine(directory, CorpusIngestor.IndexFileName),
                Bytes = new FileInfo(Path.Combine(directory, CorpusIngestor.IndexFileName)).Length,
                vectorIndex.ModelId,
                vectorIndex.Dimension,
                DataType = vectorIndex.DataType.ToString(),
                Rows = vectorIndex.Count,
                LiveRows = vectorIndex.LiveCount,
                Hnsw = graph is null ? null : new { graph.M, graph.Options.EfConstruction, graph.Options.EfSearch, graph.MaxLevel },
                Ingestion = checkpoint is null ? null : new { checkpoint.LinesConsumed, checkpoint.Completed, Inputs = checkpoint.Inputs.Count },
            };
            if (parse.GetValue(json))
            {
                output.WriteLine(LocusJson.Serialize(stats));
                return LocusCli.Ok;
            }
            output.WriteLine($"index      {stats.File} ({stats.Bytes:N0} bytes)");
            output.WriteLine($"encoder    {stats.ModelId} ({stats.Dimension}-d, {stats.DataType})");
            output.WriteLine($"rows       {stats.Rows:N0} ({stats.LiveRows:N0} live)");
            output.WriteLine(graph is null ? "hnsw       none (exact search)" : $"hnsw       M={graph.M} ef_construction={graph.Options.EfConstruction} ef_search={graph.Options.EfSearch} levels={graph.MaxLevel + 1}");
            if (checkpoint is not null)
                output.WriteLine($"ingestion  {(checkpoint.Completed ? "complete" : "interrupted")}: {checkpoint.LinesConsumed:N0} lines of {checkpoint.Inputs.Count} file(s)");
            return LocusCli.Ok;
        });
        return command;
    }

    private static VectorIndex OpenIndex(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"index directory not found: {directory}");
        return VectorIndex.Open(Path.Combine(directory, CorpusIngestor.IndexFileName));
    }

    private static string Describe(IngestProgress p)
    {
        var rate = p.Elapsed.TotalSeconds > 0 ? p.SentencesSeen / p.Elapsed.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.LinesConsumed:N0} lines, {p.SentencesSeen:N0} sentences, {p.SentencesAdded:N0} added ({p.ExactDuplicates:N0} exact + {p.NearDuplicates:N0} near duplicates, {p.TooShort:N0} too short), index {p.IndexCount:N0} rows, {rate:N0} sentences/s");
    }
}
