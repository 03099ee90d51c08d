namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Maps fenced code info strings to the language names of Teams' CodeBlock element.</summary>
internal static class CodeLanguages
{
    /// <summary>What Teams shows when it has no highlighter for the language.</summary>
    public const string PlainText = "PlainText";

    private static readonly Dictionary<string, string> TeamsNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bash"] = "Bash",
        ["sh"] = "Bash",
        ["shell"] = "Bash",
        ["sql"] = "SQL",
        ["json"] = "JSON",
        ["yaml"] = "YAML",
        ["powershell"] = "PowerShell",
        ["python"] = "Python",
        ["go"] = "Go",
        ["csharp"] = "C#",
        ["cs"] = "C#",
        ["javascript"] = "JavaScript",
        ["js"] = "JavaScript",
        ["text"] = PlainText,
        ["promql"] = PlainText,
    };

    /// <summary>The Teams name for an info string's language, or PlainText when absent or unknown.</summary>
    public static string ToTeams(string? info) =>
        info is not null && TeamsNames.TryGetValue(info, out var name) ? name : PlainText;
}
