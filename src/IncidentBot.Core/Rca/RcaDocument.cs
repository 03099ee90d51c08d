using System.Text;

namespace IncidentBot.Rca;

/// <summary>An incident's post-incident review: every version kept, the last one current.</summary>
public sealed class RcaDocument
{
    public int IncidentNumber { get; set; }

    public List<RcaVersion> Versions { get; set; } = [];

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedBy { get; set; }

    public RcaVersion Current => Versions[^1];

    /// <summary>
    /// Drops the oldest versions after the first (the generated one) until all of them together take at most
    /// <paramref name="maxBytes"/> of UTF-8; the first and the current version are always kept.
    /// </summary>
    public void DropOldVersions(int maxBytes)
    {
        var total = Versions.Sum(v => (long)Encoding.UTF8.GetByteCount(v.Markdown));
        while (total > maxBytes && Versions.Count > 2)
        {
            total -= Encoding.UTF8.GetByteCount(Versions[1].Markdown);
            Versions.RemoveAt(1);
        }
    }
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
