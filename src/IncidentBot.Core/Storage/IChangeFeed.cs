namespace IncidentBot.Storage;

/// <summary>
/// Tells every replica of the bot what just changed, so live views (the web console) everywhere can refresh: which
/// incident changed, which room got which message. A change carries kinds and numbers only, never what anybody wrote;
/// a subscriber reads the rest from the store. The feed is best effort: a subscriber that may have missed changes is
/// told so with <see cref="ChangeKind.Resync"/> and refetches what it shows.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Announces a change that is already stored: subscribers of this process hear it at once, other replicas' within
    /// a moment. Returns at once and never throws; a change that cannot be sent makes the other replicas resync later.
    /// </summary>
    void Publish(Change change);

    /// <summary>
    /// Calls <paramref name="onChange"/> for every change from now on, in the order this process hears them, each
    /// once, from any thread; it must return quickly and never throw. Disposing the result stops the calls.
    /// </summary>
    IDisposable Subscribe(Action<Change> onChange);
}

/// <summary>What a <see cref="Change"/> is about.</summary>
public enum ChangeKind
{
    /// <summary>An incident changed (<see cref="Change.IncidentNumber"/>): refetch it.</summary>
    Incident,

    /// <summary>Message <see cref="Change.MessageId"/> was added to incident <see cref="Change.IncidentNumber"/>'s room.</summary>
    RoomMessage,

    /// <summary>Changes may have been missed (the feed was cut off for a while): refetch everything shown.</summary>
    Resync,
}

/// <summary>One change on the <see cref="IChangeFeed"/>: a kind and numbers, nothing anybody wrote.</summary>
public readonly record struct Change(ChangeKind Kind, int IncidentNumber = 0, long MessageId = 0)
{
    public static Change IncidentChanged(int number) => new(ChangeKind.Incident, number);

    public static Change RoomMessageAdded(int incidentNumber, long messageId) => new(ChangeKind.RoomMessage, incidentNumber, messageId);

    public static Change Resync { get; } = new(ChangeKind.Resync);

    /// <summary>True for a change a subscriber can act on: positive numbers where its kind needs them, zeros elsewhere.</summary>
    public bool IsValid => Kind switch
    {
        ChangeKind.Incident => IncidentNumber > 0 && MessageId == 0,
        ChangeKind.RoomMessage => IncidentNumber > 0 && MessageId > 0,
        ChangeKind.Resync => IncidentNumber == 0 && MessageId == 0,
        _ => false,
    };
}
