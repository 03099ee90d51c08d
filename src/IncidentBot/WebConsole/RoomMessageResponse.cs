using System.Text.Json;
using IncidentBot.Chat;
using IncidentBot.Storage;

namespace IncidentBot.WebConsole;

/// <summary>A room message as the browser shows it: the bot's rendered to HTML here, people's as text.</summary>
internal sealed record RoomMessageResponse(long Id, int IncidentNumber, DateTime At, string Author, string? Text, string? Html, string? Kind, string? UpdateKey)
{
    public static RoomMessageResponse From(RoomMessage message)
    {
        if (message.MessageJson is null)
        {
            return new(message.Id, message.IncidentNumber, message.At.UtcDateTime, message.Author, message.Text, null, null, null);
        }
        var chat = ChatMessage.FromJson(message.MessageJson);
        return new(message.Id, message.IncidentNumber, message.At.UtcDateTime, message.Author, null, WebMessageRenderer.Render(chat), KindOf(chat.Kind), chat.UpdateKey);
    }

    public static string KindOf(MessageKind kind) => JsonSerializer.Serialize(kind).Trim('"');
}
