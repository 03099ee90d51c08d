namespace IncidentBot.Rca;

/// <summary>Whether an RCA template can be used and, when not, the 1-based line at fault (null when unknown) and why.</summary>
public sealed record RcaTemplateCheck(bool IsValid, int? Line, string? Message)
{
    internal static RcaTemplateCheck Valid { get; } = new(true, null, null);
}

/// <summary>Thrown when an <see cref="RcaGenerator"/> is given a template that does not work; callers fall back to the default.</summary>
public sealed class RcaTemplateException(int? line, string reason)
    : Exception(line is null ? $"RCA template: {reason}" : $"RCA template line {line}: {reason}")
{
    /// <summary>The 1-based line at fault, or null when it could not be told.</summary>
    public int? Line { get; } = line;

    /// <summary>What Handlebars said was wrong.</summary>
    public string Reason { get; } = reason;
}
