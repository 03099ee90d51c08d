using IncidentBot.Access;

namespace IncidentBot.Chat.Commands;

/// <summary>What the bot answers to a command: messages for the person who asked and messages posted to the incident.</summary>
public sealed record CommandReply(IReadOnlyList<ChatMessage> Messages, int? IncidentNumber = null)
{
    /// <summary>True when the command was refused or not understood.</summary>
    public bool IsError => Messages.Any(m => m.Kind == MessageKind.Error);

    /// <summary>Set when the command was refused because the person lacks this role (nothing was changed).</summary>
    public AccessRole? NeededRole { get; init; }

    public static CommandReply Private(string markdown, MessageKind kind = MessageKind.Info, int? incidentNumber = null) =>
        new([new ChatMessage { Kind = kind, Audience = MessageAudience.Requester, IncidentNumber = incidentNumber, Blocks = [new TextBlock(markdown)] }], incidentNumber);

    public static CommandReply Error(string markdown, int? incidentNumber = null) => Private(markdown, MessageKind.Error, incidentNumber);

    /// <summary>Refused for want of <paramref name="needed"/>: the reply says which role and how to get it.</summary>
    public static CommandReply Refused(string markdown, AccessRole needed, int? incidentNumber = null) => Error(markdown, incidentNumber) with { NeededRole = needed };
}
