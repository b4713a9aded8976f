using System.Runtime.ExceptionServices;

namespace Locus.Training.Tasks;

/// <summary>Maps a list in parallel when it is long enough to pay, failing with the first failing element's own exception.</summary>
internal static class ParallelMap
{
    private const int Threshold = 64;

    public static TOut[] Run<TIn, TOut>(IReadOnlyList<TIn> inputs, Func<TIn, int, TOut> map)
    {
        var results = new TOut[inputs.Count];
        if (inputs.Count < Threshold)
        {
            for (var i = 0; i < results.Length; i++) results[i] = map(inputs[i], i);
            return results;
        }

        // A bad example should surface as its LocusException (naming the example), not as an AggregateException,
        // and as the same one on every run: the lowest index wins.
        var errors = new Exception?[inputs.Count];
        Parallel.For(0, results.Length, i =>
        {
            try { results[i] = map(inputs[i], i); }
            catch (Exception e) { errors[i] = e; }
        });
        if (Array.Find(errors, e => e is not null) is { } first) ExceptionDispatchInfo.Capture(first).Throw();
        return results;
    }
}
