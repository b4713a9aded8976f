using System.CommandLine;
using Locus.Atlas;
using Locus.Atlas.Data;
using Locus.Atlas.Encoding;

namespace Locus.Cli.Commands;

/// <summary><c>locus atlas</c>: model embeddings from evaluation results; compare, select and route between models.</summary>
public static class AtlasCommand
{
    /// <summary>Creates the command and its subcommands.</summary>
    public static Command Create()
    {
        var atlas = new Command("atlas", "Model atlas (LOCUS embeddings): train, add models, compare, pick portfolios, route queries, benchmark.");
        atlas.Subcommands.Add(AtlasTrainCommand.Create());
        atlas.Subcommands.Add(AtlasAddCommand.Create());
        atlas.Subcommands.Add(AtlasShowCommand.Create());
        atlas.Subcommands.Add(AtlasNeighborsCommand.Create());
        atlas.Subcommands.Add(AtlasCompareCommand.Create());
        atlas.Subcommands.Add(AtlasPortfolioCommand.Create());
        atlas.Subcommands.Add(AtlasRouteCommand.Create());
        atlas.Subcommands.Add(AtlasMapCommand.Create());
        atlas.Subcommands.Add(AtlasBenchCommand.Create());
        return atlas;
    }

    /// <summary>The options that say where evaluation data is and how to read it.</summary>
    internal sealed class DataOptions
    {
        public Option<string[]> Data { get; } = new("--data") { Description = "Evaluation files: .jsonl records {model, query_id, query_text?, score, cost?} or .csv score matrices (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        public Option<string?> Texts { get; } = new("--query-texts") { Description = "JSONL of query texts ({query_id|idx|id, query_text|text|instruction}) to attach." };
        public Option<MatrixOrientation> Orientation { get; } = new("--orientation") { Description = "CSV layout: Auto (header 'model' = models as rows), ModelsAsRows, ModelsAsColumns.", DefaultValueFactory = _ => MatrixOrientation.Auto };
        public Option<double?> Binarize { get; } = new("--binarize") { Description = "Map scores above this value to 1 and the rest to 0 (e.g. 1.5 for AlpacaEval preferences)." };

        public void AddTo(Command command)
        {
            command.Options.Add(Data);
            command.Options.Add(Texts);
            command.Options.Add(Orientation);
            command.Options.Add(Binarize);
        }

        public EvaluationTable Load(ParseResult parse) => EvaluationDataLoader.Load(parse.GetValue(Data)!, new EvaluationLoadOptions
        {
            Orientation = parse.GetValue(Orientation),
            BinarizeAbove = parse.GetValue(Binarize),
            QueryTextsPath = parse.GetValue(Texts),
        });
    }

    /// <summary>The options that choose and cache the query encoding a new atlas is built with.</summary>
    internal sealed class EncodingOptions
    {
        public Option<QueryEncodingKind> Kind { get; } = new("--encoding") { Description = "Query encoding: Auto (precomputed with --query-encodings, sentence with --encoder-index and texts, else LSA with texts, else collaborative), Lsa, Collaborative, Sentence, Precomputed.", DefaultValueFactory = _ => QueryEncodingKind.Auto };
        public Option<int?> Dimension { get; } = new("--encoding-dim") { Description = "Query encoding dimension (default 64 for LSA and sentence, 16 collaborative)." };
        public Option<string?> EncoderIndex { get; } = new("--encoder-index") { Description = "Corpus index folder whose sentence encoder (encoder.json) encodes the query texts (the sentence encoding)." };
        public Option<string?> QueryEncodings { get; } = new("--query-encodings") { Description = "JSONL of precomputed query vectors, one {\"query_id\": ..., \"vector\": [...]} per query (the precomputed encoding)." };
        public Option<string?> Cache { get; } = new("--cache") { Description = "Query-encoding cache folder (default ~/.cache/locus/atlas-encodings; 'none' disables)." };

        public void AddTo(Command command)
        {
            command.Options.Add(Kind);
            command.Options.Add(Dimension);
            command.Options.Add(EncoderIndex);
            command.Options.Add(QueryEncodings);
            command.Options.Add(Cache);
        }

        public string? CacheDirectory(ParseResult parse) => parse.GetValue(Cache) switch { null => QueryEncoderStore.DefaultCacheDirectory, "none" => null, var c => c };

        /// <summary>Fits the encoder for <paramref name="table"/> on <paramref name="trainingModels"/>.</summary>
        public IQueryEncoder Fit(ParseResult parse, EvaluationTable table, IReadOnlyList<string> trainingModels) =>
            QueryEncoderFactory.Fit(table, trainingModels, parse.GetValue(Kind), parse.GetValue(Dimension), CacheDirectory(parse), parse.GetValue(EncoderIndex), parse.GetValue(QueryEncodings));
    }

    /// <summary>The required <c>--atlas</c> folder option.</summary>
    internal static Option<string> AtlasOption() => new("--atlas") { Description = "Atlas folder (written by 'locus atlas train').", Required = true };

    /// <summary>The <c>--json</c> switch.</summary>
    internal static Option<bool> JsonOption() => new("--json") { Description = "Write machine-readable JSON to standard output." };

    /// <summary>Loads the atlas named by <paramref name="option"/>.</summary>
    internal static ModelAtlas LoadAtlas(ParseResult parse, Option<string> option)
    {
        var dir = parse.GetValue(option)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"atlas folder not found: {dir}");
        return ModelAtlas.Load(dir);
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON.</summary>
    internal static void WriteJson(ParseResult parse, object value) => parse.InvocationConfiguration.Output.WriteLine(LocusJson.Serialize(value));

    /// <summary>Standard output of the invocation.</summary>
    internal static TextWriter Out(ParseResult parse) => parse.InvocationConfiguration.Output;

    /// <summary>Standard error of the invocation (progress lines).</summary>
    internal static TextWriter Err(ParseResult parse) => parse.InvocationConfiguration.Error;

    /// <summary>Splits comma-separated, repeatable list options into names.</summary>
    internal static string[]? List(string[]? values) =>
        values is null || values.Length == 0 ? null : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
