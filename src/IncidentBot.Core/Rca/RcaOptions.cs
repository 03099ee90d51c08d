namespace IncidentBot.Rca;

/// <summary>
/// Post-incident reviews. Section <c>Rca</c>: <c>"Rca": { "TemplatePath": "docs/rca-template.md" }</c>.
/// Empty means the built-in template (the same text as docs/rca-template.md).
/// </summary>
public sealed class RcaOptions
{
    public const string Section = "Rca";

    public string? TemplatePath { get; set; }
}
