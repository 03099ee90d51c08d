using IncidentBot.Rca;

namespace IncidentBot.Storage;

/// <summary>RCA documents and every version of them.</summary>
public interface IRcaStore
{
    ValueTask<RcaDocument?> FindRcaAsync(int incidentNumber, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves <paramref name="markdown"/> as the next version, unless the current version is no longer
    /// <paramref name="expectedVersion"/> (someone saved in between): then nothing is saved and null is returned.
    /// Of two savers expecting the same version, exactly one succeeds.
    /// </summary>
    ValueTask<RcaDocument?> SaveRcaVersionAsync(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Stores the document, replacing the one for its incident.</summary>
    ValueTask SaveRcaAsync(RcaDocument document, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<RcaDocument>> RcasAsync(CancellationToken cancellationToken = default);
}
