using System.Text.Json;
using IncidentBot.Chat;
using IncidentBot.Storage;

namespace IncidentBot.WebConsole;

/// <summary>
/// A room message as the browser shows it: the bot's rendered to HTML here, people's as text. A message with an
/// update key is one version of a card that changes: <see cref="Version"/> is the id of the version it shows, and
/// the browser keeps the newest version in the place of the first.
/// </summary>
internal sealed record RoomMessageResponse(long Id, int IncidentNumber, DateTime At, string Author, string? Text, string? Html, string? Kind, string? UpdateKey)
{
    public long Version { get; init; } = Id;

    /// <summary>
    /// The messages with each card once, where its first version was, showing its last: a room whose header card
    /// changed fifty times is not sent fifty cards.
    /// </summary>
    public static List<RoomMessageResponse> Collapse(IEnumerable<RoomMessageResponse> messages)
    {
        var shown = new List<RoomMessageResponse>();
        var byKey = new Dictionary<string, int>();
        foreach (var message in messages)
        {
            if (message.UpdateKey is not { } key)
            {
                shown.Add(message);
            }
            else if (byKey.TryGetValue(key, out var index))
            {
                shown[index] = shown[index] with { Html = message.Html, Kind = message.Kind, Version = message.Version };
            }
            else
            {
                byKey[key] = shown.Count;
                shown.Add(message);
            }
        }
        return shown;
    }

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
