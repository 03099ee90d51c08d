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

    /// <summary>Stores the document, replacing the one for its incident.</summary>
    ValueTask SaveRcaAsync(RcaDocument document, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<RcaDocument>> RcasAsync(CancellationToken cancellationToken = default);
}
