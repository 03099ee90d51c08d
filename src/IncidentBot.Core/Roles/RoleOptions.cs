namespace IncidentBot.Roles;

/// <summary>
/// The role catalogue. Section <c>Roles</c>; when <c>Catalog</c> is empty the five standard roles are used:
/// <code>
/// "Roles": { "Catalog": [ { "Id": "commander", "Name": "Incident commander", "Aliases": [ "ic" ], "Duties": [ "..." ] } ] }
/// </code>
/// </summary>
public sealed class RoleOptions
{
    public const string Section = "Roles";

    public List<RoleDefinition> Catalog { get; set; } = [];
}
