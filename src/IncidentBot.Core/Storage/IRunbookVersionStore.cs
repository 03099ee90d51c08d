namespace IncidentBot.Storage;

/// <summary>Runbook texts that sessions started with, kept so an edited file never changes a running session.</summary>
public interface IRunbookVersionStore
{
    RunbookVersionRecord? FindRunbookVersion(string version);
}

/// <summary>One version of one runbook file.</summary>
public sealed class RunbookVersionRecord
{
    /// <summary>The content hash.</summary>
    public string Version { get; set; } = "";

    public string RunbookId { get; set; } = "";

    public string File { get; set; } = "";

    public string Markdown { get; set; } = "";
}
