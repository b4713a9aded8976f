using Locus.Evaluation;

namespace Locus.Training.Tasks;

/// <summary>
/// Turns the token logits of all of a text's windows back into character spans of the original text, with confidences.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each labelling unit (word, or token with <see cref="TokenClassificationOptions.LabelAllSubTokens"/>) takes
/// the prediction of its first token; the model was trained only there.</item>
/// <item>Where windows overlap, a token's prediction comes from the window in which it has the most context: the
/// one maximising min(tokens to the window's left cut, tokens to its right cut), a side that is the text's own
/// start or end counting as unlimited; ties go to the earlier window. This is the rule Hugging Face's question
/// answering uses for overlapping document spans. Averaging the windows' probabilities was not chosen: it blends
/// in predictions made right at a cut, with half the context missing.</item>
/// <item>Tags are read with <see cref="BioRepair"/> (seqeval's default: a stray <c>I-X</c> starts an entity).</item>
/// <item>A span runs from its first unit's first character to its last unit's last character (whitespace trimmed);
/// its confidence is the mean over its units of the probability of the predicted tag.</item>
/// </list>
/// </remarks>
public sealed class TokenClassificationDecoder
{
    /// <summary>Creates a decoder for the tags of <paramref name="labels"/>.</summary>
    public TokenClassificationDecoder(BioLabelMap labels) => Labels = labels ?? throw new ArgumentNullException(nameof(labels));

    /// <summary>The BIO labels the logits are over.</summary>
    public BioLabelMap Labels { get; }

    /// <summary>
    /// Decodes one text. <paramref name="windowLogits"/> holds, for each of its windows in order, the logits
    /// [tokens × labels] row-major; rows past the window's length (padding) are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The number of windows or the length of a window's logits does not fit.</exception>
    public IReadOnlyList<ScoredEntitySpan> Decode(NerTextEncoding text, IReadOnlyList<ReadOnlyMemory<float>> windowLogits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(windowLogits);
        var (tags, confidences) = PredictUnits(text, windowLogits);
        var units = text.Units;
        var spans = new List<ScoredEntitySpan>();
        foreach (var chunk in BioRepair.Chunks(tags, Labels))
        {
            int start = int.MaxValue, end = int.MinValue;
            double confidence = 0;
            for (var u = chunk.Start; u < chunk.End; u++)
            {
                confidence += confidences[u];
                if (units.IsEmpty(u)) continue;
                start = Math.Min(start, units.CharStart(u));
                end = Math.Max(end, units.CharEnd(u));
            }

            if (start < end) spans.Add(new ScoredEntitySpan(start, end, Labels.EntityTypes[chunk.TypeIndex], confidence / (chunk.End - chunk.Start)));
        }

        return spans;
    }

    // The predicted tag id and its probability for every unit, each read from its first token in the window where
    // that token has the most context.
    private (int[] Tags, float[] Confidences) PredictUnits(NerTextEncoding text, IReadOnlyList<ReadOnlyMemory<float>> windowLogits)
    {
        var windows = text.Tokens.Windows;
        if (windowLogits.Count != windows.Count)
            throw new ArgumentException($"Text {text.Tokens.TextIndex} has {windows.Count} windows but {windowLogits.Count} logit arrays were given.", nameof(windowLogits));
        var labelCount = Labels.Count;
        var units = text.Units;
        var tags = new int[units.Count];
        Array.Fill(tags, Labels.OutsideId);
        var confidences = new float[units.Count];
        var bestContext = new int[units.Count];
        Array.Fill(bestContext, -1);
        var tokenCount = text.Tokens.TokenCount;
        for (var w = 0; w < windows.Count; w++)
        {
            var window = windows[w];
            var logits = windowLogits[w].Span;
            if (logits.Length < window.Length * labelCount)
                throw new ArgumentException($"Window {w} of text {text.Tokens.TextIndex} has {window.Length} tokens × {labelCount} labels but {logits.Length} logits.", nameof(windowLogits));
            var windowEnd = window.ContentStart + window.ContentLength;
            for (var u = Math.Max(0, units.UnitOfToken(window.ContentStart)); u < units.Count && units.FirstToken(u) < windowEnd; u++)
            {
                var token = units.FirstToken(u);
                if (token < window.ContentStart) continue; // the unit started in an earlier window
                var left = window.ContentStart == 0 ? int.MaxValue : token - window.ContentStart;
                var right = windowEnd == tokenCount ? int.MaxValue : windowEnd - 1 - token;
                var context = Math.Min(left, right);
                if (context <= bestContext[u]) continue;
                bestContext[u] = context;
                var row = logits.Slice((window.ContentPosition + token - window.ContentStart) * labelCount, labelCount);
                (tags[u], confidences[u]) = ArgMaxSoftmax(row);
            }
        }

        return (tags, confidences);
    }

    // The arg-max and its softmax probability, 1 / Σ exp(l_i − l_max), without building the distribution.
    private static (int Index, float Probability) ArgMaxSoftmax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best]) best = i;
        }

        double sum = 0;
        foreach (var logit in logits) sum += Math.Exp(logit - logits[best]);
        return (best, (float)(1 / sum));
    }
}
