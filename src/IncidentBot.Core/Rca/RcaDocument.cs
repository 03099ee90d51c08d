namespace IncidentBot.Rca;

/// <summary>An incident's post-incident review: every version kept, the last one current.</summary>
public sealed class RcaDocument
{
    public int IncidentNumber { get; set; }

    public List<RcaVersion> Versions { get; set; } = [];

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedBy { get; set; }

    public RcaVersion Current => Versions[^1];
}

/// <summary>One saved version of an RCA.</summary>
public sealed class RcaVersion
{
    public int Version { get; set; }

    public string Markdown { get; set; } = "";

    /// <summary>A person, or <c>incidentbot</c> for generated versions.</summary>
    public string Author { get; set; } = "";

    public DateTimeOffset SavedAt { get; set; }
}
