using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Chat;

namespace IncidentBot.Teams.Messages;

/// <summary>
/// Keeps an outgoing activity inside what Teams takes: Microsoft documents about 28 KB for a bot message and the
/// Bot Connector refuses larger ones (413). A card over the budget is cut at an element boundary, its actions kept,
/// and ends by saying where the rest is.
/// </summary>
internal static class TeamsMessageBudget
{
    /// <summary>The whole activity as UTF-8 JSON, below the documented 28 KB with room for what the connector adds.</summary>
    public const int MaxActivityBytes = 24_000;

    /// <summary>The activity as it is when it fits; otherwise as many card elements as fit, the actions, and a pointer to the rest.</summary>
    public static JsonObject Fit(JsonObject activity, ChatMessage message, string? fullTextLink)
    {
        if (Bytes(activity) <= MaxActivityBytes || activity["attachments"]?[0]?["content"] is not JsonObject card || card["body"] is not JsonArray body)
        {
            return activity;
        }
        var elements = body.Select(e => e!.DeepClone()).ToList();
        body.Clear();
        body.Add(Notice(message, fullTextLink));
        var budget = MaxActivityBytes - Bytes(activity);
        foreach (var element in elements)
        {
            var size = Bytes(element) + 1;
            if (size <= budget)
            {
                body.Insert(body.Count - 1, element);
                budget -= size;
                continue;
            }
            if (Shortened(element, budget) is { } part)
            {
                body.Insert(body.Count - 1, part);
            }
            break;
        }
        return activity;
    }

    private static JsonObject Notice(ChatMessage message, string? link)
    {
        var where = (message.IncidentNumber, link) switch
        {
            (int number, string url) => $"see the full text in the console: [INC-{number}]({url})",
            (int number, null) => $"see the full text of INC-{number} in the IncidentBot web console",
            _ => "see the full text in the IncidentBot web console",
        };
        return new JsonObject { ["type"] = "TextBlock", ["text"] = $"✂ This message is too long for Teams and was cut; {where}.", ["wrap"] = true, ["isSubtle"] = true };
    }

    /// <summary>A text element cut to the room that is left; other elements are not cut in half.</summary>
    private static JsonObject? Shortened(JsonNode element, int budget)
    {
        const int Overhead = 120;
        if (element["type"]?.GetValue<string>() != "TextBlock" || element["text"]?.GetValue<string>() is not { } text || budget < Overhead + 200)
        {
            return null;
        }
        var part = element.DeepClone().AsObject();
        var room = budget - Overhead;
        var cut = ChatText.Shorten(text, Math.Min(text.Length, room));
        while (cut.Length > 1 && Bytes(JsonValue.Create(cut)) > room)
        {
            cut = ChatText.Shorten(cut, cut.Length - Math.Max(1, (Bytes(JsonValue.Create(cut)) - room) / 4));
        }
        part["text"] = cut;
        return part;
    }

    private static int Bytes(JsonNode? node) => node is null ? 4 : Encoding.UTF8.GetByteCount(node.ToJsonString());
}
