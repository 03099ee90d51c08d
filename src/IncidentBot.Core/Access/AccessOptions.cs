namespace IncidentBot.Access;

/// <summary>
/// Who holds which role (<see cref="AccessRole"/>). Section <c>Access</c>; each list holds e-mail addresses or group
/// names/ids from the identity provider, matched in any case:
/// <code>"Access": { "Leads": [ "alice@example.com", "incident-leads" ], "Responders": [ "sre" ], "Viewers": [ "engineering" ] }</code>
/// With every list empty, nobody is refused: everyone is a responder and the leads are <c>Drills:Leads</c>, as before.
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>The longest entry: an e-mail address may be 254 characters; group ids are shorter.</summary>
    public const int MaxEntryLength = 256;

    /// <summary>May also schedule, run and cancel drills, complete reviews and manage API tokens.</summary>
    public List<string> Leads { get; set; } = [];

    /// <summary>May run incident commands.</summary>
    public List<string> Responders { get; set; } = [];

    /// <summary>May read incidents, timelines, runbooks and reviews.</summary>
    public List<string> Viewers { get; set; } = [];

    /// <summary>True when any list names someone: then only the people in them have a role.</summary>
    public bool Configured => Leads.Count + Responders.Count + Viewers.Count > 0;

    /// <summary>The key of the list that grants <paramref name="role"/>.</summary>
    public static string KeyOf(AccessRole role) => role switch
    {
        AccessRole.Viewer => $"{Section}:Viewers",
        AccessRole.Responder => $"{Section}:Responders",
        _ => $"{Section}:Leads",
    };

    /// <summary>Every problem with these settings, each naming its key; empty when all is well.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (role, list) in new[] { (AccessRole.Lead, Leads), (AccessRole.Responder, Responders), (AccessRole.Viewer, Viewers) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var entry = list[i];
                if (string.IsNullOrWhiteSpace(entry))
                {
                    problems.Add($"{KeyOf(role)}:{i} is empty: give an e-mail address or a group name or id.");
                }
                else if (entry.Trim().Length > MaxEntryLength)
                {
                    problems.Add($"{KeyOf(role)}:{i} is {entry.Trim().Length} characters; an entry is at most {MaxEntryLength}.");
                }
                else if (entry.Trim() == "*")
                {
                    problems.Add($"{KeyOf(role)}:{i} is '*': there are no wildcards; name a group everyone is in instead.");
                }
            }
        }
        return problems;
    }
}
