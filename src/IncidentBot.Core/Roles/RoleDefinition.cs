namespace IncidentBot.Roles;

/// <summary>A role someone can take in an incident, with the duties the bot shows them when they take it.</summary>
public sealed class RoleDefinition
{
    /// <summary>Short id used in commands, e.g. <c>commander</c>.</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Other words people type for it, e.g. <c>ic</c>.</summary>
    public List<string> Aliases { get; set; } = [];

    public List<string> Duties { get; set; } = [];
}
