namespace IncidentBot.Bench;

/// <summary>How big the storm is: Alertmanager notifications and generic alerts, their keys, and the senders.</summary>
public sealed record StormPlan(
    string Name,
    int AlertmanagerNotifications,
    int AlertsPerNotification,
    int AlertmanagerGroups,
    int GenericAlerts,
    int GenericDedupKeys,
    int Connections,
    int LiteDbBatchSize)
{
    /// <summary>The storm issue 10 asks for: 100,000 + 20,000 alerts, 2,200 keys, 32 connections.</summary>
    public static StormPlan Full { get; } = new("full", 1_000, 100, 200, 20_000, 2_000, 32, 1_000);

    /// <summary>A tenth of it, for a smoke run.</summary>
    public static StormPlan Quick { get; } = new("quick", 100, 100, 20, 2_000, 200, 32, 1_000);

    public int TotalAlerts => AlertmanagerNotifications * AlertsPerNotification + GenericAlerts;

    /// <summary>Each group key and each dedup key opens exactly one incident.</summary>
    public int DistinctKeys => AlertmanagerGroups + GenericDedupKeys;
}
