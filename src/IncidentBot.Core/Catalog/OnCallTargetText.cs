using System.Text.RegularExpressions;
using IncidentBot.OnCall;

namespace IncidentBot.Catalog;

/// <summary>
/// Reads the targets of <c>incidentbot.io/oncall</c> (<c>pagerduty:escalation-policy/PABC123</c>, <c>rota:payments</c>;
/// several separated by commas) and of the annotations teams already have (<c>pagerduty.com/service-id</c>,
/// <c>opsgenie.com/team</c>).
/// </summary>
public static partial class OnCallTargetText
{
    /// <summary>Each source and the kinds of thing it can be asked about (a rota has no kind).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Kinds = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["pagerduty"] = ["escalation-policy", "schedule", "service"],
        ["opsgenie"] = ["schedule", "team"],
        ["grafana-oncall"] = ["schedule"],
        ["goalert"] = ["service"],
        ["rota"] = [],
    };

    public static bool TryParse(string text, out OnCallTarget target, out string problem)
    {
        target = null!;
        problem = "";
        var colon = text.IndexOf(':');
        var source = colon < 0 ? "" : text[..colon].Trim().ToLowerInvariant();
        var rest = colon < 0 ? "" : text[(colon + 1)..].Trim();
        if (!Kinds.TryGetValue(source, out var kinds))
        {
            problem = $"`{text}` names no on-call source; write e.g. `pagerduty:escalation-policy/PABC123`, `opsgenie:schedule/ops`, `grafana-oncall:schedule/S1`, `goalert:service/<id>` or `rota:<name>`";
            return false;
        }
        string kind = "", id = rest;
        if (kinds.Length > 0)
        {
            var slash = rest.IndexOf('/');
            kind = slash < 0 ? "" : rest[..slash].Trim().ToLowerInvariant();
            id = slash < 0 ? "" : rest[(slash + 1)..].Trim();
            if (!kinds.Contains(kind))
            {
                problem = $"`{text}`: {source} is asked about {string.Join(" or ", kinds.Select(k => $"`{source}:{k}/<id>`"))}";
                return false;
            }
        }
        if (!IsId(id))
        {
            problem = $"`{text}`: the id must be 1 to 200 letters, digits or `-_.@`";
            return false;
        }
        target = new OnCallTarget(source, kind, id);
        return true;
    }

    /// <summary>An id at a source: PagerDuty's <c>P6V1UFE</c>, a GoAlert UUID, a rota's or Opsgenie schedule's name.</summary>
    public static bool IsId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
