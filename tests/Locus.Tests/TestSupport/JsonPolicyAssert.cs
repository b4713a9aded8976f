using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Locus.Tests.TestSupport;

/// <summary>Checks JSON against <see cref="LocusJson"/>'s policy: snake_case member names, a format first in each file.</summary>
internal static partial class JsonPolicyAssert
{
    /// <summary>
    /// Every member name under <paramref name="node"/> is snake_case, except the keys of the members named in
    /// <paramref name="dataDictionaries"/>, which are data (labels, stage names, file names); their values are checked.
    /// </summary>
    public static void SnakeCase(JsonNode? node, params string[] dataDictionaries) => Walk(node, "$", isData: false, dataDictionaries);

    /// <summary>Reads <paramref name="path"/>, checks it names <paramref name="format"/> in its first member and is snake_case; returns it.</summary>
    public static JsonObject LocusFile(string path, LocusFileFormat format, params string[] dataDictionaries)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(json.Count > 0 && json.First().Key == LocusJson.FormatMember, $"{path}: the first member is not '{LocusJson.FormatMember}'");
        Assert.Equal(format.Name, json[LocusJson.FormatMember]!.GetValue<string>());
        SnakeCase(json, dataDictionaries);
        return json;
    }

    private static void Walk(JsonNode? node, string path, bool isData, string[] dataDictionaries)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Assert.True(isData || SnakeCaseName().IsMatch(key), $"{path}.{key} is not snake_case");
                    Walk(child, $"{path}.{key}", !isData && dataDictionaries.Contains(key), dataDictionaries);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", isData: false, dataDictionaries);
                break;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCaseName();
}
