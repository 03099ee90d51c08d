namespace IncidentBot.Alerts;

/// <summary>An accepted alert waiting for the processor. It is written before the sender gets its 202.</summary>
public sealed class InboxEntry
{
    public long Id { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public Alert Alert { get; set; } = null!;

    /// <summary>
    /// The alert group key the alert correlates into (<see cref="Incidents.IncidentOptions.GroupKeyFor"/> when it was
    /// accepted). A store shared by several processors lets an entry be claimed only while no older entry of the same
    /// group key is held by another claim, so a resolve never overtakes its firing. Null for entries written before
    /// it was kept: those are claimed in id order only.
    /// </summary>
    public string? GroupKey { get; set; }

    /// <summary>The processor holding it; another replica may take it once <see cref="LeaseUntil"/> has passed.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Set after too many failed attempts: kept for an operator, never retried by itself.</summary>
    public bool DeadLettered { get; set; }
}
