namespace IncidentBot.Chat.Commands;

/// <summary>What the bot answers to a command: messages for the person who asked and messages posted to the incident.</summary>
public sealed record CommandReply(IReadOnlyList<ChatMessage> Messages, int? IncidentNumber = null)
{
    /// <summary>True when the command was refused or not understood.</summary>
    public bool IsError => Messages.Any(m => m.Kind == MessageKind.Error);

    public static CommandReply Private(string markdown, MessageKind kind = MessageKind.Info, int? incidentNumber = null) =>
        new([new ChatMessage { Kind = kind, Audience = MessageAudience.Requester, IncidentNumber = incidentNumber, Blocks = [new TextBlock(markdown)] }], incidentNumber);

    public static CommandReply Error(string markdown, int? incidentNumber = null) => Private(markdown, MessageKind.Error, incidentNumber);
}
