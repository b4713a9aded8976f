using SkiaSharp;

namespace Locus.Atlas.Plots;

/// <summary>One line of a line chart.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (same length as X; NaN points are skipped).</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>Small PNG charts drawn with SkiaSharp: a labelled scatter (model maps) and line charts (sample-efficiency curves).</summary>
public static class PngChart
{
    private const int Width = 1000, Height = 750, Margin = 70;
    private static readonly SKColor[] Palette = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207)];

    /// <summary>Draws points [n, 2] with a label beside each, writing <paramref name="path"/> atomically.</summary>
    public static void Scatter(string path, string title, double[,] points, IReadOnlyList<string> labels, IReadOnlyList<int>? groups = null)
    {
        int n = points.GetLength(0);
        var xs = Enumerable.Range(0, n).Select(i => points[i, 0]).ToArray();
        var ys = Enumerable.Range(0, n).Select(i => points[i, 1]).ToArray();
        Draw(path, title, "component 1", "component 2", xs, ys, false, (canvas, map, font) =>
        {
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            for (int i = 0; i < n; i++)
            {
                var (px, py) = map(xs[i], ys[i]);
                using var dot = new SKPaint { Color = Palette[(groups?[i] ?? 0) % Palette.Length], IsAntialias = true };
                canvas.DrawCircle(px, py, 5, dot);
                canvas.DrawText(labels[i], px + 7, py - 4, SKTextAlign.Left, font, text);
            }
        });
    }

    /// <summary>Draws line series with markers and a legend; <paramref name="logX"/> uses a base-2 logarithmic x axis.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool logX = true)
    {
        var xs = series.SelectMany(s => s.X).ToArray();
        var ys = series.SelectMany(s => s.Y).Where(double.IsFinite).ToArray();
        Draw(path, title, xLabel, yLabel, xs, ys, logX, (canvas, map, font) =>
        {
            for (int s = 0; s < series.Count; s++)
            {
                using var paint = new SKPaint { Color = Palette[s % Palette.Length], IsAntialias = true, StrokeWidth = 2.5f, Style = SKPaintStyle.Stroke };
                using var fill = new SKPaint { Color = Palette[s % Palette.Length], IsAntialias = true };
                SKPoint? last = null;
                for (int i = 0; i < series[s].X.Count; i++)
                {
                    if (!double.IsFinite(series[s].Y[i])) { last = null; continue; }
                    var (px, py) = map(series[s].X[i], series[s].Y[i]);
                    if (last is { } l) canvas.DrawLine(l.X, l.Y, px, py, paint);
                    canvas.DrawCircle(px, py, 4, fill);
                    last = new SKPoint(px, py);
                }
                float ly = Margin + 20 + s * 20;
                canvas.DrawLine(Width - 230, ly - 5, Width - 205, ly - 5, paint);
                using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
                canvas.DrawText(series[s].Name, Width - 198, ly, SKTextAlign.Left, font, text);
            }
        });
    }

    private delegate (float X, float Y) Mapper(double x, double y);

    private static void Draw(string path, string title, string xLabel, string yLabel, double[] xs, double[] ys, bool logX, Action<SKCanvas, Mapper, SKFont> body)
    {
        if (xs.Length == 0 || ys.Length == 0) throw new LocusException("nothing to draw: no finite points");
        Func<double, double> fx = logX ? v => Math.Log2(Math.Max(v, 1e-12)) : v => v;
        double x0 = xs.Min(fx), x1 = xs.Max(fx), y0 = ys.Min(), y1 = ys.Max();
        if (x1 - x0 < 1e-12) { x0 -= 1; x1 += 1; }
        if (y1 - y0 < 1e-12) { y0 -= 1; y1 += 1; }
        double padX = (x1 - x0) * 0.06, padY = (y1 - y0) * 0.08;
        x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
        Mapper map = (x, y) => ((float)(Margin + (fx(x) - x0) / (x1 - x0) * (Width - 2 * Margin)), (float)(Height - Margin - (y - y0) / (y1 - y0) * (Height - 2 * Margin)));

        using var bitmap = new SKBitmap(Width, Height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(PlotFont.Typeface, 13);
        using var titleFont = new SKFont(PlotFont.Typeface, 18);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1 };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1 };
        using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke };
        canvas.DrawRect(Margin, Margin, Width - 2 * Margin, Height - 2 * Margin, frame);
        for (int t = 0; t <= 5; t++)
        {
            double yv = y0 + (y1 - y0) * t / 5;
            var (_, py) = map(logX ? Math.Pow(2, x0) : x0, yv);
            canvas.DrawLine(Margin, py, Width - Margin, py, grid);
            canvas.DrawText(yv.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), Margin - 6, py + 4, SKTextAlign.Right, font, ink);
        }
        var ticks = logX ? xs.Distinct().OrderBy(v => v).ToArray() : Enumerable.Range(0, 6).Select(t => x0 + (x1 - x0) * t / 5).ToArray();
        foreach (var xv in ticks)
        {
            var (px, _) = map(xv, y0);
            canvas.DrawLine(px, Height - Margin, px, Height - Margin + 5, ink);
            canvas.DrawText(xv.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), px, Height - Margin + 20, SKTextAlign.Center, font, ink);
        }
        canvas.DrawText(title, Width / 2f, Margin - 25, SKTextAlign.Center, titleFont, ink);
        canvas.DrawText(xLabel, Width / 2f, Height - 20, SKTextAlign.Center, font, ink);
        canvas.Save();
        canvas.RotateDegrees(-90, 20, Height / 2f);
        canvas.DrawText(yLabel, 20, Height / 2f, SKTextAlign.Center, font, ink);
        canvas.Restore();
        body(canvas, map, font);

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp)) data.SaveTo(stream);
        File.Move(temp, path, overwrite: true);
    }
}
