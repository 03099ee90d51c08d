namespace IncidentBot.Incidents;

/// <summary>
/// The pause before an incident operation runs again after a conflict: exponential with full jitter. Each pause is
/// drawn at random between zero and a ceiling that doubles with every attempt (2, 4, 8 … ms) up to
/// <see cref="Ceiling"/>, so writers that met once (two replicas, or two of one replica's callers) spread out
/// instead of meeting again, and a lone retry waits almost nothing.
/// </summary>
public static class ConflictBackoff
{
    /// <summary>How many times an operation runs before the conflict is given up on (see <see cref="IncidentService.MaxAttempts"/>).</summary>
    public const int MaxAttempts = 20;

    /// <summary>The first ceiling: a commit on PostgreSQL takes about a millisecond.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(2);

    /// <summary>The highest a pause can be, from the eighth attempt on.</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromMilliseconds(200);

    /// <summary>The ceiling of the pause after attempt <paramref name="attempt"/> (1 for the first).</summary>
    public static TimeSpan CeilingAfter(int attempt) =>
        TimeSpan.FromTicks(Math.Min(Ceiling.Ticks, First.Ticks << Math.Clamp(attempt - 1, 0, 20)));

    /// <summary>A random pause between zero and <see cref="CeilingAfter"/>.</summary>
    public static TimeSpan PauseAfter(int attempt, Random random) =>
        TimeSpan.FromTicks((long)(random.NextDouble() * CeilingAfter(attempt).Ticks));
}
