namespace IncidentBot.Storage;

/// <summary>
/// Small facts chat adapters must remember across restarts: a channel created for an incident, the message id
/// of an update-in-place message, which delivery ids were already processed.
/// </summary>
public interface IPlatformReferenceStore
{
    string? FindReference(string key);

    void SaveReference(string key, string value);

    /// <summary>Stores the key unless it exists; true when it was new (first delivery of an event).</summary>
    bool TryAddReference(string key, string value);
}
