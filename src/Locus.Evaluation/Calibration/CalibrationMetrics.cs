namespace Locus.Evaluation;

/// <summary>
/// Calibration: expected and maximum calibration error over equal-width reliability bins, and the Brier score.
/// Works on (confidence, correct) pairs, so the same code serves classification (top-label confidence) and NER
/// (confidence of each predicted entity; see <see cref="EntityMetrics.MatchScoredSpans"/>).
/// </summary>
public static class CalibrationMetrics
{
    /// <summary>Computes the reliability bins, ECE, MCE and Brier score of (confidence, correct) pairs.</summary>
    /// <param name="confidences">The probability the model gave to each prediction, in [0, 1].</param>
    /// <param name="correct">Whether each prediction was right.</param>
    /// <param name="options">Bin count; 15 when null.</param>
    /// <exception cref="LocusException">Counts differ, or a confidence is outside [0, 1] or not a number.</exception>
    public static CalibrationReport Compute(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(confidences);
        ArgumentNullException.ThrowIfNull(correct);
        var binCount = (options ?? new CalibrationOptions()).BinCount;
        if (binCount < 1) throw new ArgumentOutOfRangeException(nameof(options), binCount, "the bin count must be at least 1");
        if (confidences.Count != correct.Count)
            throw new LocusException($"there are {confidences.Count} confidences but {correct.Count} correctness flags");

        var count = new int[binCount];
        var confidenceSum = new double[binCount];
        var correctCount = new int[binCount];
        var squaredError = 0.0;
        for (var i = 0; i < confidences.Count; i++)
        {
            var c = confidences[i];
            if (!(c >= 0 && c <= 1)) throw new LocusException($"prediction {i}: confidence {c} is not a probability in [0, 1]");
            var b = BinOf(c, binCount);
            count[b]++;
            confidenceSum[b] += c;
            if (correct[i]) correctCount[b]++;
            var error = c - (correct[i] ? 1.0 : 0.0);
            squaredError += error * error;
        }

        var total = confidences.Count;
        var bins = new ReliabilityBin[binCount];
        var ece = 0.0;
        var mce = 0.0;
        for (var b = 0; b < binCount; b++)
        {
            var n = count[b];
            var meanConfidence = n == 0 ? 0 : confidenceSum[b] / n;
            var accuracy = n == 0 ? 0 : (double)correctCount[b] / n;
            bins[b] = new ReliabilityBin((double)b / binCount, (double)(b + 1) / binCount, n, meanConfidence, accuracy);
            if (n == 0) continue;
            var gap = Math.Abs(accuracy - meanConfidence);
            ece += (double)n / total * gap;
            mce = Math.Max(mce, gap);
        }

        return new CalibrationReport(ece, mce, total == 0 ? 0 : squaredError / total, total, bins);
    }

    /// <summary>
    /// Top-label calibration of a classifier: each example's confidence is its largest class probability and it
    /// is correct when that class (the first, on ties) is the gold class.
    /// </summary>
    /// <param name="probabilities">Class probabilities per example (each row the same length).</param>
    /// <param name="goldClass">Index of the gold class per example.</param>
    /// <param name="options">Bin count; 15 when null.</param>
    /// <exception cref="LocusException">Counts differ, a row is empty or of another length, a probability is invalid, or a gold index is out of range.</exception>
    public static CalibrationReport FromProbabilities(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> goldClass, CalibrationOptions? options = null)
    {
        CheckProbabilities(probabilities, goldClass);
        var confidences = new double[probabilities.Count];
        var correct = new bool[probabilities.Count];
        for (var e = 0; e < probabilities.Count; e++)
        {
            var row = probabilities[e];
            var best = 0;
            for (var k = 1; k < row.Count; k++) if (row[k] > row[best]) best = k;
            confidences[e] = row[best];
            correct[e] = best == goldClass[e];
        }

        return Compute(confidences, correct, options);
    }

    /// <summary>
    /// The multi-class Brier score: the mean over examples of the squared distance between the probability
    /// vector and the one-hot gold vector (0 is perfect, 2 the worst).
    /// </summary>
    /// <exception cref="LocusException">As for <see cref="FromProbabilities"/>.</exception>
    public static double BrierScore(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> goldClass)
    {
        CheckProbabilities(probabilities, goldClass);
        if (probabilities.Count == 0) throw new LocusException("the Brier score is undefined: there are no examples");
        var sum = 0.0;
        for (var e = 0; e < probabilities.Count; e++)
        {
            for (var k = 0; k < probabilities[e].Count; k++)
            {
                var difference = probabilities[e][k] - (k == goldClass[e] ? 1.0 : 0.0);
                sum += difference * difference;
            }
        }

        return sum / probabilities.Count;
    }

    /// <summary>
    /// The bin of a confidence: bins are (b/n, (b+1)/n], with 0 put in the first bin. The boundaries are
    /// compared exactly, so a confidence equal to an edge lands in the lower bin, as with torch.bucketize.
    /// </summary>
    private static int BinOf(double confidence, int binCount)
    {
        var b = Math.Clamp((int)Math.Ceiling(confidence * binCount) - 1, 0, binCount - 1);
        // confidence * n can round across an edge; settle against the edges as they are stored.
        while (b > 0 && confidence <= (double)b / binCount) b--;
        while (b < binCount - 1 && confidence > (double)(b + 1) / binCount) b++;
        return b;
    }

    private static void CheckProbabilities(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> goldClass)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(goldClass);
        if (probabilities.Count != goldClass.Count)
            throw new LocusException($"there are {probabilities.Count} probability rows but {goldClass.Count} gold classes");
        for (var e = 0; e < probabilities.Count; e++)
        {
            var row = probabilities[e];
            if (row.Count == 0 || row.Count != probabilities[0].Count)
                throw new LocusException($"example {e}: has {row.Count} class probabilities, expected {probabilities[0].Count} (and at least 1)");
            for (var k = 0; k < row.Count; k++)
            {
                if (!(row[k] >= 0 && row[k] <= 1)) throw new LocusException($"example {e}, class {k}: probability {row[k]} is not in [0, 1]");
            }

            if (goldClass[e] < 0 || goldClass[e] >= row.Count)
                throw new LocusException($"example {e}: gold class {goldClass[e]} is outside 0..{row.Count - 1}");
        }
    }
}
