using IncidentBot.Rca;

namespace IncidentBot.Storage;

/// <summary>RCA documents and every version of them.</summary>
public interface IRcaStore
{
    ValueTask<RcaDocument?> FindRcaAsync(int incidentNumber, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves <paramref name="markdown"/> as the next version, unless the current version is no longer
    /// <paramref name="expectedVersion"/> (someone saved in between): then nothing is saved and null is returned.
    /// Of two savers expecting the same version, exactly one succeeds. Text equal to the current version saves nothing
    /// and returns the document as it is. Older versions are dropped to keep all of them within
    /// <paramref name="historyBytes"/> (<see cref="RcaDocument.DropOldVersions"/>), in the same transaction.
    /// </summary>
    ValueTask<RcaDocument?> SaveRcaVersionAsync(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the incident's review completed by <paramref name="completedBy"/> at <paramref name="completedAt"/> and
    /// returns it, or null when the incident has no review. Only the completion changes: a version saved by someone
    /// else a moment before (another replica, another browser) is kept.
    /// </summary>
    ValueTask<RcaDocument?> CompleteRcaAsync(int incidentNumber, string completedBy, DateTimeOffset completedAt, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<RcaDocument>> RcasAsync(CancellationToken cancellationToken = default);
}
