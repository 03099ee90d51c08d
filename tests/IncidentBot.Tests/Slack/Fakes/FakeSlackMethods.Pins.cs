using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>pins.add and bookmarks.add.</summary>
internal sealed partial class FakeSlackMethods
{
    private JsonObject AddPin(JsonObject args)
    {
        var ts = Arg(args, "timestamp");
        var error = OpenChannel(args, "channel", out var channel) ?? ts switch
        {
            null => "no_item_specified",
            _ when !channel!.Messages.Exists(m => m.Ts == ts) => "message_not_found",
            _ when channel!.Pins.Contains(ts) => "already_pinned",
            _ => null,
        };
        if (error is not null)
        {
            return Fail(error);
        }

        channel!.Pins.Add(ts!);
        return new() { ["ok"] = true };
    }

    private JsonObject AddBookmark(JsonObject args)
    {
        var (title, type, link) = (Arg(args, "title"), Arg(args, "type"), Arg(args, "link") ?? "");
        var error = OpenChannel(args, "channel_id", out var channel) ?? (title, type) switch
        {
            (null, _) or (_, null) => "invalid_arguments",
            (_, not "link") => "invalid_bookmark_type",
            _ when !link.StartsWith("http://", StringComparison.Ordinal) && !link.StartsWith("https://", StringComparison.Ordinal) => "invalid_link",
            _ => null,
        };
        if (error is not null)
        {
            return Fail(error);
        }

        var bookmark = new FakeBookmark(_state.NewId("Bk"), title!, type!, link, Arg(args, "emoji"));
        channel!.Bookmarks.Add(bookmark);
        return new()
        {
            ["ok"] = true,
            ["bookmark"] = new JsonObject
            {
                ["id"] = bookmark.Id,
                ["channel_id"] = channel.Id,
                ["title"] = bookmark.Title,
                ["link"] = bookmark.Link,
                ["emoji"] = bookmark.Emoji,
                ["type"] = bookmark.Type,
                ["date_created"] = UnixNow,
                ["rank"] = "U",
            },
        };
    }
}
