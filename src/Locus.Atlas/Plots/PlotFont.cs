using SkiaSharp;

namespace Locus.Atlas.Plots;

/// <summary>
/// Finds a TrueType font for chart text. The self-contained Skia build has no fontconfig, so its default typeface draws
/// nothing; a font file is loaded from <c>LOCUS_FONT</c> or the usual system folders instead.
/// </summary>
internal static class PlotFont
{
    private static readonly string[] Folders = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts", @"C:\Windows\Fonts"];
    private static readonly Lazy<SKTypeface> Cached = new(Find);

    public static SKTypeface Typeface => Cached.Value;

    private static SKTypeface Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("LOCUS_FONT") is { Length: > 0 } env) candidates.Add(env);
        foreach (var folder in Folders.Where(Directory.Exists))
        {
            var files = Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories).ToList();
            // Prefer a plain sans-serif face; any TrueType font will do.
            candidates.AddRange(files.OrderBy(f => Path.GetFileName(f) switch { "DejaVuSans.ttf" => 0, "LiberationSans-Regular.ttf" => 1, "arial.ttf" => 2, _ => 3 }).ThenBy(f => f, StringComparer.Ordinal));
        }
        foreach (var file in candidates)
            if (SKTypeface.FromFile(file) is { } face) return face;
        throw new LocusException("no TrueType font found for chart labels; set LOCUS_FONT to a .ttf file");
    }
}
