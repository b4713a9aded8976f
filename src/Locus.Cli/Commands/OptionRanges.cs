using System.CommandLine;
using System.Globalization;

namespace Locus.Cli.Commands;

/// <summary>
/// Range checks on numeric options, made while parsing: a value out of range is a usage error naming the option and
/// the valid range (exit 2), before any file is read or model loaded.
/// </summary>
internal static class OptionRanges
{
    /// <summary>Requires <paramref name="min"/> ≤ value ≤ <paramref name="max"/> (either bound optional).</summary>
    public static Option<T> InRange<T>(this Option<T> option, double? min, double? max, bool exclusiveMin = false) where T : struct, IConvertible
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            var value = Convert.ToDouble(result.GetValueOrDefault<T>(), CultureInfo.InvariantCulture);
            var below = min is { } low && (exclusiveMin ? value <= low : value < low);
            if (below || (max is { } high && value > high) || double.IsNaN(value))
                result.AddError($"{option.Name} must be {Describe(min, max, exclusiveMin)} (got {value.ToString(CultureInfo.InvariantCulture)})");
        });
        return option;
    }

    /// <summary>The same check for an optional value (absent is fine).</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, double? min, double? max, bool exclusiveMin = false) where T : struct, IConvertible
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || result.GetValueOrDefault<T?>() is not { } given) return;
            var value = Convert.ToDouble(given, CultureInfo.InvariantCulture);
            var below = min is { } low && (exclusiveMin ? value <= low : value < low);
            if (below || (max is { } high && value > high) || double.IsNaN(value))
                result.AddError($"{option.Name} must be {Describe(min, max, exclusiveMin)} (got {value.ToString(CultureInfo.InvariantCulture)})");
        });
        return option;
    }

    static string Describe(double? min, double? max, bool exclusiveMin) => (min, max) switch
    {
        ({ } low, { } high) => $"{(exclusiveMin ? "greater than " + Format(low) + " and at most" : "between " + Format(low) + " and")} {Format(high)}",
        ({ } low, null) => exclusiveMin ? $"greater than {Format(low)}" : $"at least {Format(low)}",
        (null, { } high) => $"at most {Format(high)}",
        _ => "a number",
    };

    static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
