using IncidentBot.Bench.Bot;
using IncidentBot.Bench.Load;

namespace IncidentBot.Bench.Report;

/// <summary>What the bot did with the storm: intake, attachment, Slack traffic and memory.</summary>
public sealed record BotStormResult(LoadResult Intake, AttachmentResult Attached, int SlackCalls, IReadOnlyDictionary<string, int> SlackRateLimitedByMethod, long PeakWorkingSetBytes, StoredRows? InDatabase = null)
{
    public int SlackRateLimited => SlackRateLimitedByMethod.Values.Sum();
}
