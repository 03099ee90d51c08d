using Microsoft.Extensions.Options;

namespace IncidentBot.Roles;

/// <summary>The roles people can take, from configuration or the standard five.</summary>
public sealed class RoleCatalog(IOptions<RoleOptions> options)
{
    /// <summary>The role whose holder runs the incident; reminders and permissions refer to it.</summary>
    public const string Commander = "commander";

    private readonly IReadOnlyList<RoleDefinition> _roles = options.Value.Catalog.Count > 0 ? options.Value.Catalog : Standard;

    public IReadOnlyList<RoleDefinition> All => _roles;

    /// <summary>Finds a role by id, name or alias, ignoring case, dashes and spaces.</summary>
    public RoleDefinition? Find(string text)
    {
        var key = Normalize(text);
        return _roles.FirstOrDefault(r => Normalize(r.Id) == key || Normalize(r.Name) == key || r.Aliases.Any(a => Normalize(a) == key));
    }

    public string NameOf(string roleId) => _roles.FirstOrDefault(r => r.Id == roleId)?.Name ?? roleId;

    private static string Normalize(string text) =>
        new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static readonly RoleDefinition[] Standard =
    [
        new()
        {
            Id = Commander, Name = "Incident commander", Aliases = ["ic", "incident-commander", "lead"],
            Duties = ["Own the incident until it is resolved or handed over.", "Decide; delegate the hands-on work.", "Keep the severity and status true.", "Make sure an update goes out on time."],
        },
        new()
        {
            Id = "comms", Name = "Communications lead", Aliases = ["cl", "communications", "communications-lead"],
            Duties = ["Post status updates with `update <text>`.", "Answer stakeholders so responders are not interrupted.", "Keep the status page current."],
        },
        new()
        {
            Id = "scribe", Name = "Scribe", Aliases = ["notes"],
            Duties = ["Record decisions and findings with `note <text>`.", "Capture follow-ups with times for the RCA."],
        },
        new()
        {
            Id = "ops", Name = "Operations lead", Aliases = ["ol", "operations", "operations-lead"],
            Duties = ["Run the runbook and the hands-on fixes.", "Say before you change production; say after."],
        },
        new()
        {
            Id = "sme", Name = "Subject-matter expert", Aliases = ["expert", "subject-matter-expert"],
            Duties = ["Bring deep knowledge of the affected system.", "Advise the commander; test hypotheses."],
        },
    ];
}
