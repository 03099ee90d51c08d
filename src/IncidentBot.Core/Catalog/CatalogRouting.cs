using System.Net.Mail;
using System.Text.RegularExpressions;
using IncidentBot.OnCall;

namespace IncidentBot.Catalog;

/// <summary>
/// What a Component's or Group's annotations tell the bot: where to ask who is on call, whom to fall back to, how to
/// reach the team in Slack and Teams, the runbooks, and which alerts are the component's.
/// </summary>
public sealed partial record CatalogRouting
{
    public const string OnCall = "incidentbot.io/oncall";
    public const string SlackUsergroup = "incidentbot.io/slack-usergroup";
    public const string TeamsTeam = "incidentbot.io/teams-team";
    public const string Runbooks = "incidentbot.io/runbooks";
    public const string FallbackCommander = "incidentbot.io/fallback-commander";
    public const string AlertSelector = "incidentbot.io/alert-selector";
    public const string PagerDutyService = "pagerduty.com/service-id";
    public const string OpsgenieTeam = "opsgenie.com/team";

    public static readonly CatalogRouting None = new();

    /// <summary>In the order they are asked: <c>incidentbot.io/oncall</c>'s, then PagerDuty's service, then Opsgenie's team.</summary>
    public IReadOnlyList<OnCallTarget> OnCallTargets { get; init; } = [];
    public string? SlackUsergroupId { get; init; }
    public string? TeamsTeamId { get; init; }
    public IReadOnlyList<string> RunbookIds { get; init; } = [];
    public string? FallbackCommanderEmail { get; init; }
    public LabelSelector? Selector { get; init; }

    /// <summary>Reads the annotations; each bad value is a problem (with its key) and is left out.</summary>
    public static CatalogRouting Read(IReadOnlyDictionary<string, string> annotations, Action<string, string> problem)
    {
        var targets = new List<OnCallTarget>();
        if (annotations.TryGetValue(OnCall, out var oncall))
        {
            foreach (var part in oncall.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (OnCallTargetText.TryParse(part, out var target, out var why))
                {
                    targets.Add(target);
                }
                else
                {
                    problem(OnCall, why);
                }
            }
            if (oncall.Trim().Length == 0)
            {
                problem(OnCall, "is empty; write e.g. `pagerduty:schedule/P1ABC2D` or `rota:payments`");
            }
        }
        if (annotations.TryGetValue(PagerDutyService, out var service))
        {
            if (OnCallTargetText.IsId(service.Trim()))
            {
                targets.Add(new("pagerduty", "service", service.Trim()));
            }
            else
            {
                problem(PagerDutyService, $"`{service}` is not a PagerDuty service id, e.g. `P6V1UFE`");
            }
        }
        if (annotations.TryGetValue(OpsgenieTeam, out var team))
        {
            if (OnCallTargetText.IsId(team.Trim()))
            {
                targets.Add(new("opsgenie", "team", team.Trim()));
            }
            else
            {
                problem(OpsgenieTeam, $"`{team}` is not an Opsgenie team name (letters, digits and `-_.@`)");
            }
        }

        return new CatalogRouting
        {
            OnCallTargets = targets.Distinct().ToList(),
            SlackUsergroupId = Checked(annotations, SlackUsergroup, IsSlackUsergroup, "must be a Slack user group id such as `S0614TZR7` or its handle such as `payments-oncall`", problem),
            TeamsTeamId = Checked(annotations, TeamsTeam, v => Guid.TryParseExact(v, "D", out _), "must be the team's id, a GUID such as `19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11` (the `groupId` in the team's link)", problem),
            RunbookIds = RunbookList(annotations, problem),
            FallbackCommanderEmail = Checked(annotations, FallbackCommander, IsEmail, "must be one e-mail address, e.g. `lead@example.com`", problem),
            Selector = ReadSelector(annotations, problem),
        };
    }

    private static string? Checked(IReadOnlyDictionary<string, string> annotations, string key, Func<string, bool> valid, string expected, Action<string, string> problem)
    {
        if (!annotations.TryGetValue(key, out var raw))
        {
            return null;
        }
        var value = raw.Trim();
        if (valid(value))
        {
            return value;
        }
        problem(key, $"`{raw}` {expected}");
        return null;
    }

    private static IReadOnlyList<string> RunbookList(IReadOnlyDictionary<string, string> annotations, Action<string, string> problem)
    {
        if (!annotations.TryGetValue(Runbooks, out var raw))
        {
            return [];
        }
        var ids = new List<string>();
        foreach (var id in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Slug().IsMatch(id))
            {
                ids.Add(id);
            }
            else
            {
                problem(Runbooks, $"`{id}` is not a runbook id (lower-case letters, digits and dashes, as in the runbook's `id:`)");
            }
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    private static LabelSelector? ReadSelector(IReadOnlyDictionary<string, string> annotations, Action<string, string> problem)
    {
        if (!annotations.TryGetValue(AlertSelector, out var raw))
        {
            return null;
        }
        if (LabelSelector.TryParse(raw, out var selector, out var why))
        {
            return selector;
        }
        problem(AlertSelector, why);
        return null;
    }

    public static bool IsEmail(string value) =>
        value.Length is > 2 and <= 254 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or '"')
        && MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.');

    private static bool IsSlackUsergroup(string value) => SlackUsergroupPattern().IsMatch(value);

    [GeneratedRegex("^(S[A-Z0-9]{6,20}|@?[a-z0-9][a-z0-9._-]{0,79})$", RegexOptions.CultureInvariant)]
    private static partial Regex SlackUsergroupPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}
