namespace IncidentBot.Storage;

/// <summary>
/// Small facts chat adapters must remember across restarts: a channel created for an incident, the message id
/// of an update-in-place message. They last as long as the incident; deliveries already handled, which only
/// matter for a while, go to <see cref="IDeduplicationStore"/>.
/// </summary>
public interface IPlatformReferenceStore
{
    ValueTask<string?> FindReferenceAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores the value under the key, replacing any earlier one; once this returns it survives a restart.</summary>
    ValueTask SaveReferenceAsync(string key, string value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the key unless it exists; true for exactly one of any number of concurrent callers (the first time a
    /// step was done).
    /// </summary>
    ValueTask<bool> TryAddReferenceAsync(string key, string value, CancellationToken cancellationToken = default);
}
