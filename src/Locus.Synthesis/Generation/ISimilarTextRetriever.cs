namespace Locus.Synthesis;

/// <summary>
/// Finds real sentences similar to given texts, e.g. nearest neighbours in a sentence-embedding index over a broad
/// corpus. The iterative synthesis loop calls it each round with the seeds and what has been generated so far.
/// </summary>
public interface ISimilarTextRetriever
{
    /// <summary>The <paramref name="k"/> corpus sentences most similar to the queries taken together, best first.</summary>
    /// <param name="queries">The texts to match (seeds and generated examples).</param>
    /// <param name="k">How many sentences to return at most.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    Task<IReadOnlyList<string>> RetrieveAsync(IReadOnlyList<string> queries, int k, CancellationToken cancellationToken);
}
