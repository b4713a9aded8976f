using Locus.Training.Tasks;

namespace Locus.Tests.Training.Tasks;

/// <summary>Logits a perfect model would give: one-hot on each labelled position, misleading noise everywhere else.</summary>
internal static class GoldLogits
{
    /// <summary>
    /// Per window, [tokens × labels]: a large logit on the gold label of every labelled token; ignored positions
    /// (specials, non-first sub-tokens) get a confident random tag, so the decoder must not read them.
    /// </summary>
    public static ReadOnlyMemory<float>[] For(NerTextEncoding text, int labelCount, int seed = 1)
    {
        var random = new Random(seed);
        return text.Items.Select(item =>
        {
            var logits = new float[item.Window.Length * labelCount];
            for (var t = 0; t < item.Window.Length; t++)
            {
                var label = item.Labels![t];
                logits[t * labelCount + (label >= 0 ? label : random.Next(labelCount))] = 8f;
            }

            return (ReadOnlyMemory<float>)logits;
        }).ToArray();
    }
}
