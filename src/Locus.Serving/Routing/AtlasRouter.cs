using Locus.Atlas;
using Locus.Serving.Models;

namespace Locus.Serving.Routing;

/// <summary>One candidate of a routing decision.</summary>
/// <param name="Model">The model's name in the atlas.</param>
/// <param name="Probability">The atlas's predicted chance that it answers the text well.</param>
/// <param name="Utility">Probability − λ·cost, the quantity the router maximises.</param>
/// <param name="Served">Whether this server serves the model (else the caller acts on the choice, e.g. a hosted LLM).</param>
public sealed record RouteScore(string Model, double Probability, double Utility, bool Served);

/// <summary>
/// Asks a model atlas which model is most likely to answer a text well: each candidate's predicted P(correct) for the
/// text, optionally net of cost (λ·mean cost), best first. Candidates are the atlas's models, or only those served.
/// </summary>
public sealed class AtlasRouter(ModelAtlas atlas, ModelCatalog catalog)
{
    readonly Lock gate = new();

    /// <summary>The atlas.</summary>
    public ModelAtlas Atlas { get; } = atlas;

    /// <summary>The served models the atlas knows.</summary>
    public IReadOnlyList<string> ServedInAtlas { get; } = catalog.Models.Select(m => m.Name).Where(atlas.Contains).ToList();

    /// <summary>Scores every candidate for <paramref name="text"/>, best utility first.</summary>
    /// <exception cref="LocusException">No candidate, a cost is missing, or the atlas cannot encode new texts.</exception>
    public IReadOnlyList<RouteScore> Score(string text, double costWeight = 0, bool servedOnly = false)
    {
        var candidates = servedOnly ? ServedInAtlas : Atlas.Models.Select(m => m.Name).ToList();
        if (candidates.Count == 0)
            throw new LocusException(servedOnly ? "none of the served models is in the atlas: add their evaluations (locus eval --records) to it" : "the atlas has no models");
        var costs = candidates.Select(c => costWeight == 0 ? 0 : Atlas[c].MeanCost
            ?? throw new LocusException($"model '{c}' has no cost in the atlas, but routing with a cost weight needs one for every candidate")).ToList();
        double[,] p;
        lock (gate)
        {
            var encoding = Atlas.EncodeQuery("route", text);
            p = Atlas.PredictCorrectness(candidates, [encoding]);
        }
        // Stable sort: ties keep the atlas's order, as QueryRouter picks the first best.
        return candidates.Select((c, i) => new RouteScore(c, p[i, 0], p[i, 0] - costWeight * costs[i], catalog.Find(c) is not null))
            .OrderByDescending(s => s.Utility).ToList();
    }
}
