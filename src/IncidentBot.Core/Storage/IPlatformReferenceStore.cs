namespace IncidentBot.Storage;

/// <summary>
/// Small facts chat adapters must remember across restarts: a channel created for an incident, the message id
/// of an update-in-place message. They last as long as the incident; deliveries already handled, which only
/// matter for a while, go to <see cref="IDeduplicationStore"/>.
/// </summary>
public interface IPlatformReferenceStore
{
    string? FindReference(string key);

    void SaveReference(string key, string value);

    /// <summary>Stores the key unless it exists; true when it was new (the first time a step was done).</summary>
    bool TryAddReference(string key, string value);
}
