using IncidentBot.Incidents;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IncidentBot.Runbooks;

/// <summary>Reads and checks a runbook's YAML front matter, reporting each problem at its line in the file.</summary>
internal sealed class RunbookFrontMatter
{
    public static readonly string[] Keys = ["id", "title", "services", "match", "severity", "owner", "estimatedMinutes"];

    public string? Id { get; private set; }
    public int IdLine { get; private set; }
    public string? Title { get; private set; }
    public List<string> Services { get; } = [];
    public Dictionary<string, string> Match { get; } = new(StringComparer.Ordinal);
    public Severity? Severity { get; private set; }
    public string? Owner { get; private set; }
    public int? EstimatedMinutes { get; private set; }

    /// <summary>Parses <paramref name="yaml"/>, whose first line is line <paramref name="firstLine"/> of the file.</summary>
    public static RunbookFrontMatter Read(string yaml, int firstLine, string file, List<RunbookProblem> problems)
    {
        var result = new RunbookFrontMatter();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            problems.Add(new(file, firstLine + (int)ex.Start.Line - 1, $"front matter is not valid YAML: {Describe(ex)}"));
            return result;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new(file, firstLine, "front matter must be a YAML map with at least `id` and `title`"));
            return result;
        }
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var line = firstLine + (int)keyNode.Start.Line - 1;
            result.ReadKey(key, value, line, file, problems);
        }
        return result;
    }

    private void ReadKey(string key, YamlNode value, int line, string file, List<RunbookProblem> problems)
    {
        void Problem(string message) => problems.Add(new(file, line, message));
        switch (key)
        {
            case "id":
                Id = Scalar(value);
                IdLine = line;
                if (Id is null || !IsSlug(Id))
                {
                    Problem("`id` must be lower-case letters, digits and dashes, e.g. `database-failover`");
                    Id = null;
                }
                break;
            case "title":
                Title = Scalar(value);
                break;
            case "services":
                if (value is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode))
                {
                    Services.AddRange(list.Children.Select(c => ((YamlScalarNode)c).Value ?? ""));
                }
                else if (Scalar(value) is { } single)
                {
                    Services.Add(single);
                }
                else
                {
                    Problem("`services` must be a list of names, e.g. `[orders-db]`");
                }
                break;
            case "match":
                if (value is YamlMappingNode map && map.Children.All(p => p.Key is YamlScalarNode && p.Value is YamlScalarNode))
                {
                    foreach (var (k, v) in map.Children)
                    {
                        Match[((YamlScalarNode)k).Value ?? ""] = ((YamlScalarNode)v).Value ?? "";
                    }
                }
                else
                {
                    Problem("`match` must map alert label names to values, e.g. `alertname: PostgresPrimaryDown`");
                }
                break;
            case "severity":
                if (SeverityText.TryParse(Scalar(value), out var severity))
                {
                    Severity = severity;
                }
                else
                {
                    Problem("`severity` must be sev1, sev2, sev3 or sev4");
                }
                break;
            case "owner":
                Owner = Scalar(value);
                break;
            case "estimatedMinutes":
                if (int.TryParse(Scalar(value), out var minutes) && minutes > 0)
                {
                    EstimatedMinutes = minutes;
                }
                else
                {
                    Problem("`estimatedMinutes` must be a whole number of minutes");
                }
                break;
            default:
                Problem($"unknown front-matter key `{key}`; known keys: {string.Join(", ", Keys)}");
                break;
        }
    }

    private static string? Scalar(YamlNode node) => node is YamlScalarNode { Value: { Length: > 0 } text } ? text.Trim() : null;

    private static bool IsSlug(string id) => id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && char.IsLetterOrDigit(id[0]);

    private static string Describe(YamlException ex) => ex.InnerException?.Message ?? ex.Message.Split("): ", 2).Last();
}
