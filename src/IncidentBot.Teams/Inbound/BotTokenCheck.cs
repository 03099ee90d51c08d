using System.Security.Claims;

namespace IncidentBot.Teams.Inbound;

/// <summary>The outcome of checking a Bot Connector bearer token; <see cref="Problem"/> never contains the token.</summary>
public sealed record BotTokenCheck(bool IsValid, string? Problem, ClaimsIdentity? Identity)
{
    public static BotTokenCheck Valid(ClaimsIdentity identity) => new(true, null, identity);

    public static BotTokenCheck Invalid(string problem) => new(false, problem, null);
}
