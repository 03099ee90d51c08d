using System.Text.RegularExpressions;

namespace IncidentBot.Tests.Deployment;

/// <summary>The .dockerignore rules: the last pattern that matches a path decides, <c>!</c> re-includes, a folder covers its contents.</summary>
public sealed class DockerIgnore(List<(Regex Pattern, bool Include)> rules)
{
    public static DockerIgnore Load(string file) => new(File.ReadAllLines(file)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => (ToRegex(l.TrimStart('!')), l.StartsWith('!')))
        .ToList());

    public bool Excludes(string path)
    {
        var excluded = false;
        foreach (var (pattern, include) in rules)
        {
            if (pattern.IsMatch(path))
            {
                excluded = !include;
            }
        }
        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var body = Regex.Escape(pattern.TrimEnd('/'))
            .Replace(@"\*\*/", "(.*/)?")
            .Replace(@"\*", "[^/]*");
        return new Regex($"^{body}(/.*)?$");
    }
}
