namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>Teams' per-bot, per-conversation send limit of 7 per second; callers hold the connector's lock.</summary>
internal sealed class SendRateLimit(TimeProvider time)
{
    private const int PerSecond = 7;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = [];

    /// <summary>Records a send, or returns false when the conversation already had its quota in the last second.</summary>
    public bool TryAcquire(string conversationId)
    {
        var now = time.GetUtcNow();
        var sends = _recent.TryGetValue(conversationId, out var found) ? found : _recent[conversationId] = new();
        while (sends.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromSeconds(1))
        {
            sends.Dequeue();
        }

        if (sends.Count >= PerSecond)
        {
            return false;
        }

        sends.Enqueue(now);
        return true;
    }
}
