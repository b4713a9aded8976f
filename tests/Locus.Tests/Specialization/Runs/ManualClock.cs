namespace Locus.Tests.Specialization.Runs;

/// <summary>A clock that only moves when told, so durations in run records are exact.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public static ManualClock StartingAt2026() => new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(double seconds) => _now = _now.AddSeconds(seconds);
}
