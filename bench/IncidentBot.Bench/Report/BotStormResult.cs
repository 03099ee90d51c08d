using IncidentBot.Bench.Bot;
using IncidentBot.Bench.Load;

namespace IncidentBot.Bench.Report;

/// <summary>
/// What the bot did with the measured storm: intake, attachment, Slack traffic and memory, and the CPU the bot (and the database server) spent on it. Counts leave out the
/// warm-up storm (<see cref="WarmUp"/>: what it left attached before the clock started).
/// </summary>
public sealed record BotStormResult(LoadResult Intake, AttachmentResult Attached, int SlackCalls, IReadOnlyDictionary<string, int> SlackRateLimitedByMethod, long PeakWorkingSetBytes, AttachmentResult WarmUp, StoredRows? InDatabase = null, CpuUsed? Cpu = null)
{
    public int SlackRateLimited => SlackRateLimitedByMethod.Values.Sum();

    /// <summary>How many warm-up storms the bot had before the measured one.</summary>
    public int WarmUps { get; init; } = 1;

    /// <summary>How long after the warm-ups the bot's JIT took to go quiet (the measured storm started then).</summary>
    public TimeSpan JitSettledAfter { get; init; }
}
