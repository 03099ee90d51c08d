using IncidentBot.Incidents;

namespace IncidentBot.Storage;

/// <summary>Incidents, their alerts and their timelines.</summary>
public interface IIncidentStore
{
    Incident? Find(int number);

    /// <summary>The open incident (triggered, acknowledged or mitigated) for an alert group, if any.</summary>
    Incident? FindOpenByGroupKey(string groupKey);

    /// <summary>Newest first.</summary>
    IReadOnlyList<Incident> List(IncidentQuery query);

    IReadOnlyList<IncidentAlert> AlertsOf(int number);

    IncidentAlert? FindAlert(string id);

    /// <summary>The alerts among these ids that are stored (the others are simply not returned).</summary>
    IReadOnlyList<IncidentAlert> FindAlerts(IReadOnlyCollection<string> ids);

    /// <summary>Oldest first.</summary>
    IReadOnlyList<TimelineEntry> TimelineOf(int number);

    /// <summary>The highest incident number ever used, 0 when there is none.</summary>
    int LastNumber();

    /// <summary>Writes every change in one transaction: all of it is stored, or none of it.</summary>
    void Commit(IncidentChanges changes);
}

/// <summary>Which incidents to list; <paramref name="Before"/> pages back from a number (newest first).</summary>
public sealed record IncidentQuery(IncidentStatusFilter Status = IncidentStatusFilter.All, int Limit = 100, int? Before = null);

/// <summary>Open (triggered, acknowledged, mitigated), resolved (resolved, closed) or all.</summary>
public enum IncidentStatusFilter
{
    All,
    Open,
    Resolved,
}
