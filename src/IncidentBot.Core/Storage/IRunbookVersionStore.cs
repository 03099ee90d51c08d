namespace IncidentBot.Storage;

/// <summary>Runbook texts that sessions started with, kept so an edited file never changes a running session.</summary>
public interface IRunbookVersionStore
{
    /// <summary>The text stored for a version (runbook texts are written with the incidents' commits).</summary>
    ValueTask<RunbookVersionRecord?> FindRunbookVersionAsync(string version, CancellationToken cancellationToken = default);
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
