using System.Collections.Concurrent;
using System.Net;

namespace IncidentBot.Hosting;

/// <summary>
/// Says in the log which client was refused and why, once a minute per client and limit: a client past its limit
/// usually keeps trying, and a line per refusal would let it flood the log instead.
/// </summary>
internal sealed class ClientLimitLog(TimeProvider clock, ILogger<ClientLimitLog> logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(IPAddress Client, string Limit), (DateTimeOffset Since, int Refused)> _recent = new();

    public void Refused(IPAddress client, string limit, string reason)
    {
        var now = clock.GetUtcNow();
        if (_recent.Count > 10_000)
        {
            // Many clients past their limits at once: forget the quiet periods rather than grow without bound.
            _recent.Clear();
        }
        var entry = _recent.AddOrUpdate((client, limit), (now, 0), (_, seen) => now - seen.Since >= Quiet ? (now, 0) : (seen.Since, seen.Refused + 1));
        if (entry.Since == now && entry.Refused == 0)
        {
            logger.LogWarning("Refused client {Client} ({Limit}): {Reason}; further refusals of this client for this limit are not logged for a minute",
                client, limit, reason);
        }
    }
}
