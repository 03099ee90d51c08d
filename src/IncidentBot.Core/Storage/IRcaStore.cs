using IncidentBot.Rca;

namespace IncidentBot.Storage;

/// <summary>RCA documents and every version of them.</summary>
public interface IRcaStore
{
    RcaDocument? FindRca(int incidentNumber);

    /// <summary>
    /// Saves <paramref name="markdown"/> as the next version, unless the current version is no longer
    /// <paramref name="expectedVersion"/> (someone saved in between): then nothing is saved and null is returned.
    /// Text equal to the current version saves nothing and returns the document as it is. Older versions are
    /// dropped to keep all of them within <paramref name="historyBytes"/> (<see cref="RcaDocument.DropOldVersions"/>),
    /// in the same transaction.
    /// </summary>
    RcaDocument? SaveRcaVersion(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes);

    void SaveRca(RcaDocument document);

    IReadOnlyList<RcaDocument> Rcas();
}
