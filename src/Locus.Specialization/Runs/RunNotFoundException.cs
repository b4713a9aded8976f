namespace Locus.Specialization.Runs;

/// <summary>A run, a version or a run folder named by the user does not exist.</summary>
public sealed class RunNotFoundException : LocusException
{
    /// <summary>Creates the exception with a message that names what was looked for and where.</summary>
    public RunNotFoundException(string message) : base(message) { }
}
