using IncidentBot.Drills;
using Microsoft.Extensions.Options;

namespace IncidentBot.Access;

/// <summary>
/// The one rule for who may do what: the role of an <see cref="Actor"/>. A role granted outright (an API token's)
/// wins. Otherwise, with <c>Access</c> lists set, the highest list naming the actor's e-mail or one of their groups
/// (any case), or no role at all; <c>Drills:Leads</c> (names, platform ids or e-mails, the older way to name leads)
/// still counts as leads. With no <c>Access</c> list set, everyone is a responder and <c>Drills:Leads</c> are leads,
/// as before roles existed. Names are taken as the caller proved them: the host never sends a typed name here once
/// <c>Access</c> lists are set (a typed name proves nothing).
/// </summary>
public sealed class AccessPolicy(IOptions<AccessOptions> access, IOptions<DrillOptions> drills)
{
    /// <summary>True when <c>Access</c> lists are set: only the people in them have a role.</summary>
    public bool IsConfigured => access.Value.Configured;

    /// <summary>The role <paramref name="actor"/> holds, or null when they hold none.</summary>
    public AccessRole? RoleOf(Actor actor)
    {
        if (actor.Role is { } granted)
        {
            return granted;
        }
        if (IsDrillLead(actor))
        {
            return AccessRole.Lead;
        }
        var options = access.Value;
        if (!options.Configured)
        {
            return AccessRole.Responder;
        }
        var proven = new[] { actor.Email }.Concat(actor.Groups).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        bool Names(List<string> list) => list.Any(entry => proven.Contains(entry.Trim(), StringComparer.OrdinalIgnoreCase));
        return Names(options.Leads) ? AccessRole.Lead
            : Names(options.Responders) ? AccessRole.Responder
            : Names(options.Viewers) ? AccessRole.Viewer
            : null;
    }

    /// <summary>True when <paramref name="actor"/> holds <paramref name="needed"/> or a higher role.</summary>
    public bool Allows(Actor actor, AccessRole needed) => RoleOf(actor) is { } role && role >= needed;

    /// <summary>
    /// Why <paramref name="actor"/> may not do <paramref name="what"/> (which needs <paramref name="needed"/>), and how
    /// to get the role: one sentence, for a chat reply or a problem's detail.
    /// </summary>
    public string Refusal(Actor actor, AccessRole needed, string what)
    {
        var role = ApiTokens.RoleName(needed);
        var key = AccessOptions.KeyOf(needed);
        var name = actor.Name.Trim().TrimStart('@');
        var start = $"Sorry{(name.Length > 0 ? $" @{name}" : "")}, `{what}` needs the {role} role ({key})";
        if (actor.Role is not null)
        {
            return $"{start}; this API token has the {ApiTokens.RoleName(actor.Role.Value)} role. A lead can create a token with the {role} role.";
        }
        if (!IsConfigured)
        {
            // Everyone is a responder; only leads can be missing, and they are named in configuration.
            return drills.Value.Leads.Count == 0
                ? $"{start}, and no lead is configured yet: an admin names leads in {key}."
                : $"{start}: an admin names leads in {key} (or the older Drills:Leads).";
        }
        var who = actor.Email is { Length: > 0 } email ? $"{email}" : "your account";
        return RoleOf(actor) is null
            ? $"{start}, and {who} is in none of Access:Viewers, Access:Responders or Access:Leads. Ask an admin to add you (or a group of yours) to {key}."
            : $"{start}. Ask an admin to add {who} (or a group of yours) to {key}.";
    }

    /// <summary><c>Drills:Leads</c>: user names, platform user ids or e-mails, with or without <c>@</c>, any case.</summary>
    private bool IsDrillLead(Actor actor) => drills.Value.Leads.Any(lead =>
    {
        var entry = lead.Trim().TrimStart('@');
        return entry.Length > 0 && (string.Equals(entry, actor.Name.Trim().TrimStart('@'), StringComparison.OrdinalIgnoreCase)
            || string.Equals(entry, actor.Email?.Trim(), StringComparison.OrdinalIgnoreCase));
    });
}
