using IncidentBot.Chat;
using IncidentBot.OnCall;
using IncidentBot.Roles;

namespace IncidentBot.Incidents;

public static partial class IncidentMessages
{
    /// <summary>
    /// The message that asks the on-call person to command: it mentions them (<see cref="MentionBlock"/>), says how long
    /// they have to accept, and how to pass it on. <paramref name="why"/> says why they are asked, when not first.
    /// </summary>
    public static ChatMessage OnCallAsk(Incident incident, OnCallAsk ask, TimeSpan acceptWithin, string? why)
    {
        var reason = why is null ? "" : why + " ";
        var text = $"{reason}You are asked to command **{incident.Reference}** (on call for {ask.Component}, level {ask.Level}). "
            + $"Press **Accept** on the incident card (or type `accept`) within {IncidentBot.OnCall.OnCallAsk.Describe(acceptWithin)}, or the next level is asked; "
            + "**Hand off** (`handoff [@person]`) passes it to the next on call or to someone you name.";
        return new ChatMessage
        {
            Kind = MessageKind.Event,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            Blocks = [new MentionBlock(ask.Handle!, ask.Email, DrillPrefix(incident) + text)],
        };
    }

    /// <summary>Who on-call asked and whether they accepted, while the one asked is still commander.</summary>
    private static MessageField? OnCallField(Incident incident)
    {
        var commander = incident.Roles.GetValueOrDefault(RoleCatalog.Commander);
        if (incident.OnCall is not { Handle: { } handle } ask || !string.Equals(commander, handle, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var state = ask.AcceptedAt is { } accepted ? $"accepted at {Time(accepted)}"
            : ask.Exhausted ? "not accepted; nobody else is on call"
            : $"asked at {Time(ask.AskedAt)}, not accepted yet";
        return new MessageField("On call", $"@{handle} (level {ask.Level}): {state}");
    }

    /// <summary>Accept and Hand off, while the person on-call asked has not accepted and is still commander.</summary>
    private static IEnumerable<MessageButton> OnCallButtons(Incident incident)
    {
        if (incident.OnCall is { AcceptedAt: null } ask && ask.IsWaiting(incident.Roles.GetValueOrDefault(RoleCatalog.Commander)))
        {
            yield return new MessageButton("Accept", "accept", ButtonStyle.Primary);
            yield return new MessageButton("Hand off", "handoff");
        }
    }

    private static string OnCallState(Incident incident) => incident.OnCall is { } ask
        ? $"{ask.Handle}/{ask.AcceptedAt is not null}/{ask.Exhausted}"
        : "";
}
