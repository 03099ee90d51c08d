namespace IncidentBot.Chat.Commands;

/// <summary>Every command's usage line, in the order <c>help</c> shows them.</summary>
public static class CommandGrammar
{
    public static readonly IReadOnlyList<(string Verb, string Usage, string What)> Commands =
    [
        ("declare", "declare <title> [sev1-4]", "open an incident by hand"),
        ("ack", "ack", "acknowledge: you are on it"),
        ("role", "role <role> [@user]", "give a role (yourself when no user)"),
        ("accept", "accept", "take command when on-call asked you"),
        ("handoff", "handoff [@person]", "pass on-call command to the next on call, or to someone"),
        ("roles", "roles", "who holds which role"),
        ("note", "note <text>", "add a finding or decision to the timeline"),
        ("update", "update <text>", "post a status update"),
        ("action", "action <text> [@owner]", "record a follow-up for the RCA"),
        ("severity", "severity <sev1-4>", "change the severity"),
        ("status", "status", "the incident at a glance"),
        ("timeline", "timeline", "the last 20 timeline entries, with a link to the rest"),
        ("oncall", "oncall [service]", "who is on call now and next (the incident's service when none is named)"),
        ("page", "page <service> [message]", "page the service's on-call through its pager (PagerDuty, Opsgenie, Grafana OnCall, GoAlert)"),
        ("runbook", "runbook start <id> | status | list", "walk a runbook step by step"),
        ("done", "done [runbook] [note]", "the current step is done (also `next`)"),
        ("skip", "skip [runbook] [reason]", "skip the current step"),
        ("back", "back [runbook]", "go back one step"),
        ("check", "check [runbook] <n>", "tick checklist item n"),
        ("mitigate", "mitigate [summary]", "impact has stopped"),
        ("rca", "rca | rca complete", "write the review now; mark it complete and close"),
        ("drill", "drill schedule \"<cron>\" <runbook> [sev] [tz] | list | cancel <id> | run <runbook>", "incident drills (leads)"),
        ("resolve", "resolve [summary]", "the incident is over"),
        ("help", "help", "this list"),
    ];

    public static string UsageOf(string verb) =>
        Commands.FirstOrDefault(c => c.Verb == verb).Usage ?? verb;
}
