using IncidentBot.Rca;

namespace IncidentBot.Storage;

/// <summary>RCA documents and every version of them.</summary>
public interface IRcaStore
{
    RcaDocument? FindRca(int incidentNumber);

    /// <summary>
    /// Saves <paramref name="markdown"/> as the next version, unless the current version is no longer
    /// <paramref name="expectedVersion"/> (someone saved in between): then nothing is saved and null is returned.
    /// </summary>
    RcaDocument? SaveRcaVersion(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion);

    void SaveRca(RcaDocument document);

    IReadOnlyList<RcaDocument> Rcas();
}
