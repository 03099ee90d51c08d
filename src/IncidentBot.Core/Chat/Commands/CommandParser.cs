using System.Globalization;
using IncidentBot.Incidents;

namespace IncidentBot.Chat.Commands;

/// <summary>
/// Reads the one command grammar every platform shares. Mentions of the bot are stripped by adapters; the
/// optional <c>/incident</c> or <c>incident</c> prefix and an <c>INC-42</c> reference are handled here.
/// </summary>
public static class CommandParser
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["acknowledge"] = "ack",
        ["sev"] = "severity",
        ["mitigated"] = "mitigate",
        ["resolved"] = "resolve",
        ["?"] = "help",
        ["commands"] = "help",
        ["next"] = "done",
        ["runbooks"] = "runbook",
        ["tick"] = "check",
        ["on-call"] = "oncall",
        ["whoisoncall"] = "oncall",
        ["hand-off"] = "handoff",
    };

    public static CommandParseResult Parse(string? text)
    {
        var rest = (text ?? "").Trim();
        rest = StripPrefix(rest, "/incident");
        rest = StripPrefix(rest, "incident");
        if (rest.Length == 0)
        {
            return CommandParseResult.Ok(new HelpCommand());
        }

        int? incident = null;
        var (first, afterFirst) = NextWord(rest);
        if (TryParseIncidentReference(first, out var number))
        {
            incident = number;
            rest = afterFirst;
            (first, afterFirst) = NextWord(rest);
            if (first.Length == 0)
            {
                return CommandParseResult.Ok(new ShowStatusCommand { IncidentNumber = incident });
            }
        }

        var verb = Aliases.GetValueOrDefault(first, first.ToLowerInvariant());
        var args = afterFirst;
        var result = verb switch
        {
            "declare" => Declare(args),
            "ack" => NoArguments(verb, args, new AcknowledgeCommand()),
            "role" => Role(args),
            "roles" => NoArguments(verb, args, new ListRolesCommand()),
            "accept" => NoArguments(verb, args, new AcceptOnCallCommand()),
            "handoff" => HandOff(args),
            "note" => Required(verb, args, t => new NoteCommand(t)),
            "update" => Required(verb, args, t => new StatusUpdateCommand(t)),
            "action" => Required(verb, args, t => new ActionItemCommand(t)),
            "rca" => args.Length == 0 ? CommandParseResult.Ok(new RcaCommand(false))
                : args.Equals("complete", StringComparison.OrdinalIgnoreCase) ? CommandParseResult.Ok(new RcaCommand(true))
                : Usage("rca", $"`rca {args}` is not an RCA command."),
            "severity" => Severity(args),
            "status" => NoArguments(verb, args, new ShowStatusCommand()),
            "timeline" => NoArguments(verb, args, new ShowTimelineCommand()),
            "oncall" => args.Contains(' ') ? Usage("oncall", "Name one service.") : CommandParseResult.Ok(new OnCallCommand(NullIfEmpty(args))),
            "page" => Page(args),
            "mitigate" => CommandParseResult.Ok(new MitigateCommand(NullIfEmpty(args))),
            "resolve" => CommandParseResult.Ok(new ResolveCommand(NullIfEmpty(args))),
            "help" => CommandParseResult.Ok(new HelpCommand()),
            "runbook" => Runbook(args),
            "drill" or "drills" => Drill(args),
            "done" => CommandParseResult.Ok(new CompleteStepCommand(NullIfEmpty(args))),
            "skip" => CommandParseResult.Ok(new SkipStepCommand(NullIfEmpty(args))),
            "back" => CommandParseResult.Ok(new StepBackCommand(NullIfEmpty(args))),
            "check" => args.Length == 0 ? Usage("check", "Say which item.") : CommandParseResult.Ok(new CheckItemCommand(args)),
            _ => Unknown(first),
        };
        return result.Command is { } command ? CommandParseResult.Ok(command with { IncidentNumber = incident }) : result;
    }

    /// <summary>Reads <c>INC-42</c>, <c>inc42</c> or <c>#42</c>.</summary>
    public static bool TryParseIncidentReference(string word, out int number)
    {
        var digits = word.StartsWith('#') ? word[1..]
            : word.StartsWith("inc-", StringComparison.OrdinalIgnoreCase) ? word[4..]
            : word.StartsWith("inc", StringComparison.OrdinalIgnoreCase) ? word[3..]
            : null;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;
    }

    private static CommandParseResult Declare(string args)
    {
        var (title, severity) = SplitTrailingSeverity(args);
        return title.Length == 0
            ? Usage("declare", "Give the incident a title.")
            : CommandParseResult.Ok(new DeclareCommand(title, severity));
    }

    private static CommandParseResult Page(string args)
    {
        var (service, message) = NextWord(args);
        return service.Length == 0
            ? Usage("page", "Name the service to page, e.g. `page checkout-api`.")
            : CommandParseResult.Ok(new PageCommand(service, NullIfEmpty(message)));
    }

    private static CommandParseResult Runbook(string args)
    {
        var (action, rest) = NextWord(args);
        return action.ToLowerInvariant() switch
        {
            "start" or "run" when rest.Length > 0 && !rest.Contains(' ') => CommandParseResult.Ok(new StartRunbookCommand(rest)),
            "start" or "run" => Usage("runbook", "Name one runbook to start, e.g. `runbook start database-failover`."),
            "status" or "" when rest.Length == 0 => CommandParseResult.Ok(new RunbookStatusCommand()),
            "list" when rest.Length == 0 => CommandParseResult.Ok(new ListRunbooksCommand()),
            _ => Usage("runbook", $"`runbook {action}` is not a runbook command."),
        };
    }

    private static CommandParseResult Drill(string args)
    {
        var (action, rest) = NextWord(args);
        switch (action.ToLowerInvariant())
        {
            case "list" or "" when rest.Length == 0:
                return CommandParseResult.Ok(new DrillCommand("list"));
            case "cancel" when rest.Length > 0 && !rest.Contains(' '):
                return CommandParseResult.Ok(new DrillCommand("cancel", Target: rest));
            case "run" when rest.Length > 0 && !rest.Contains(' '):
                return CommandParseResult.Ok(new DrillCommand("run", Target: rest));
            case "schedule":
                var quote = rest.Length > 0 ? rest[0] : ' ';
                var end = quote is '"' or '\'' ? rest.IndexOf(quote, 1) : -1;
                if (end < 0)
                {
                    return Usage("drill", "Put the cron expression in quotes, e.g. `drill schedule \"0 0 10 ? * TUE\" database-failover sev2 Europe/Berlin`.");
                }
                var words = rest[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    return Usage("drill", "Name the runbook to drill.");
                }
                Severity? severity = null;
                string? zone = null;
                foreach (var word in words.Skip(1))
                {
                    if (severity is null && SeverityText.TryParse(word, out var parsed))
                    {
                        severity = parsed;
                    }
                    else if (zone is null)
                    {
                        zone = word;
                    }
                    else
                    {
                        return Usage("drill", $"`{word}` is one word too many.");
                    }
                }
                return CommandParseResult.Ok(new DrillCommand("schedule", rest[1..end], words[0], severity, zone));
            default:
                return Usage("drill", $"`drill {action}` is not a drill command.");
        }
    }

    private static CommandParseResult Role(string args)
    {
        var (role, rest) = NextWord(args);
        if (role.Length == 0)
        {
            return Usage("role", "Name the role, e.g. `role commander @alice`.");
        }
        var (user, extra) = NextWord(rest);
        if (extra.Length > 0)
        {
            return Usage("role", "Give one role and one person.");
        }
        return CommandParseResult.Ok(new AssignRoleCommand(role, NormalizeUser(user)));
    }

    private static CommandParseResult HandOff(string args)
    {
        var (user, extra) = NextWord(args);
        if (extra.Length > 0)
        {
            return Usage("handoff", "Name one person, or nobody for the next on call.");
        }
        return CommandParseResult.Ok(new HandOffCommand(NormalizeUser(user)));
    }

    private static CommandParseResult Severity(string args) =>
        SeverityText.TryParse(args, out var severity)
            ? CommandParseResult.Ok(new ChangeSeverityCommand(severity))
            : Usage("severity", args.Length == 0 ? "Say which severity." : $"`{args}` is not a severity: use sev1 (worst) to sev4.");

    private static CommandParseResult Required(string verb, string args, Func<string, ChatCommand> create) =>
        args.Length == 0 ? Usage(verb, "It needs some text.") : CommandParseResult.Ok(create(args));

    private static CommandParseResult NoArguments(string verb, string args, ChatCommand command) =>
        args.Length == 0 ? CommandParseResult.Ok(command) : Usage(verb, $"`{verb}` takes nothing after it.");

    private static CommandParseResult Usage(string verb, string why) =>
        CommandParseResult.Fail($"{why} Usage: `{CommandGrammar.UsageOf(verb)}`");

    private static CommandParseResult Unknown(string word)
    {
        var suggestion = Suggestion.Closest(word, CommandGrammar.Commands.Select(c => c.Verb));
        var hint = suggestion is null ? "" : $" Did you mean `{suggestion}`?";
        return CommandParseResult.Fail($"I don't know `{Truncate(word, 40)}`.{hint} Type `help` for the list of commands.");
    }

    /// <summary>A trailing <c>sev2</c> (or <c>SEV2</c>, <c>s2</c>) is the severity; everything before it is the title.</summary>
    private static (string Title, Severity? Severity) SplitTrailingSeverity(string args)
    {
        var lastSpace = args.LastIndexOf(' ');
        var last = lastSpace < 0 ? args : args[(lastSpace + 1)..];
        if (last.StartsWith('s') || last.StartsWith('S'))
        {
            if (SeverityText.TryParse(last, out var severity))
            {
                return (lastSpace < 0 ? "" : args[..lastSpace].Trim(), severity);
            }
        }
        return (args, null);
    }

    /// <summary><c>@alice</c> → <c>alice</c>; <c>me</c> or nothing → null, meaning the person asking.</summary>
    private static string? NormalizeUser(string user)
    {
        var name = user.TrimStart('@');
        return name.Length == 0 || name.Equals("me", StringComparison.OrdinalIgnoreCase) ? null : name;
    }

    private static string StripPrefix(string text, string prefix) =>
        text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (text.Length == prefix.Length || char.IsWhiteSpace(text[prefix.Length]))
            ? text[prefix.Length..].TrimStart()
            : text;

    private static (string Word, string Remainder) NextWord(string text)
    {
        text = text.TrimStart();
        var end = text.IndexOfAny([' ', '\t', '\n', '\r']);
        return end < 0 ? (text, "") : (text[..end], text[end..].Trim());
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
