using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Chat;

namespace IncidentBot.Slack.Messages;

/// <summary>
/// Keeps a rendered message inside what Slack takes: at most 50 blocks, and blocks whose text adds up to less than
/// Slack's undocumented total (<c>msg_blocks_too_long</c> is reported from about 11,300 to 13,300 characters). A
/// message over either is cut at a block boundary, its buttons kept, and it ends by saying where the rest is.
/// </summary>
internal static class SlackMessageBudget
{
    /// <summary>The blocks as JSON, which counts more than their text does, so the text stays well inside Slack's total.</summary>
    public const int MaxBlocksJson = 11_000;

    public const int MaxBlocks = 50;

    // Measured as sent, without escaping non-ASCII text six times over.
    private static readonly JsonSerializerOptions Measure = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The blocks as they are when they fit; otherwise as many as fit, the buttons, and a pointer to the rest.</summary>
    public static JsonArray Fit(JsonArray blocks, ChatMessage message, string? fullTextLink)
    {
        if (blocks.Count <= MaxBlocks && Length(blocks) <= MaxBlocksJson)
        {
            return blocks;
        }
        var notice = Notice(message, fullTextLink);
        // Buttons are how people act on the message, and they are small: they always stay.
        var actions = blocks.Where(IsActions).Take(MaxBlocks / 2).ToList();
        var budget = MaxBlocksJson - Length(notice) - actions.Sum(a => Length(a) + 1) - 2;
        var slots = MaxBlocks - 1 - actions.Count;
        var kept = new List<JsonNode>();
        foreach (var block in blocks.Where(b => !IsActions(b)))
        {
            var size = Length(block) + 1;
            if (slots > 0 && size <= budget)
            {
                kept.Add(block!.DeepClone());
                budget -= size;
                slots--;
                continue;
            }
            // The first block that does not fit gives what room is left to the start of its text.
            if (slots > 0 && Shortened(block, budget) is { } part)
            {
                kept.Add(part);
            }
            break;
        }
        return new JsonArray([.. kept, .. actions.Select(a => a!.DeepClone()), notice]);
    }

    /// <summary>The line a cut message ends with; a link when the console's address is known.</summary>
    private static JsonObject Notice(ChatMessage message, string? link)
    {
        var where = (message.IncidentNumber, link) switch
        {
            (int number, string url) => $"see the full text in the console: <{url}|INC-{number}>",
            (int number, null) => $"see the full text of INC-{number} in the IncidentBot web console",
            _ => "see the full text in the IncidentBot web console",
        };
        return new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $":scissors: This message is too long for Slack and was cut; {where}." }),
        };
    }

    private static JsonObject? Shortened(JsonNode? block, int budget)
    {
        const int Overhead = 80;
        if (block?["type"]?.GetValue<string>() != "section" || block["text"]?["text"]?.GetValue<string>() is not { } text || budget < Overhead + 200)
        {
            return null;
        }
        var part = block.DeepClone().AsObject();
        part.Remove("accessory");
        // Measured as JSON, so a text full of quotes or backslashes still fits once escaped.
        var room = budget - Overhead;
        var cut = ChatText.Shorten(text, Math.Min(text.Length, room));
        while (cut.Length > 1 && Length(JsonValue.Create(cut)) > room)
        {
            cut = ChatText.Shorten(cut, cut.Length - Math.Max(1, (Length(JsonValue.Create(cut)) - room) / 2));
        }
        part["text"]!["text"] = cut;
        return part;
    }

    private static bool IsActions(JsonNode? block) => block?["type"]?.GetValue<string>() == "actions";

    private static int Length(JsonNode? node) => node?.ToJsonString(Measure).Length ?? 4;
}
