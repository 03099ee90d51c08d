using System.Globalization;
using IncidentBot.Storage;

namespace IncidentBot.Rca;

/// <summary><c>rca export &lt;folder&gt; [--since &lt;date&gt;]</c>: one Markdown file per review, named by number and slug.</summary>
internal static class RcaExport
{
    public static async Task<int> RunAsync(string folder, DateTimeOffset? since, IRcaStore rcas, IIncidentStore incidents, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        var written = 0;
        foreach (var document in await rcas.RcasAsync())
        {
            if (await incidents.FindAsync(document.IncidentNumber) is not { } incident || (since is { } from && (incident.ResolvedAt ?? incident.CreatedAt) < from))
            {
                continue;
            }
            var file = Path.Combine(folder, $"INC-{incident.Number:D4}-{Slug(incident.Title)}.md");
            File.WriteAllText(file, document.Current.Markdown);
            output.WriteLine($"{file} (version {document.Current.Version}{(document.CompletedAt is null ? ", not complete" : "")})");
            written++;
        }
        output.WriteLine($"{written} review(s) written to {folder}.");
        return 0;
    }

    public static bool TryParseSince(string text, out DateTimeOffset since) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);

    private static string Slug(string title)
    {
        var slug = new string(title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }
        slug = slug.Trim('-');
        return slug.Length <= 60 ? slug : slug[..60].TrimEnd('-');
    }
}
