using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>chat.*, users.* and views.open.</summary>
internal sealed partial class FakeSlackMethods
{
    private const int MaxBlocks = 50;
    private const int MaxTextLength = 40_000;
    private const int MaxBlocksTextLength = 11_000;

    private JsonObject PostMessage(JsonObject args)
    {
        var (text, blocks) = (Arg(args, "text"), Blocks(args));
        var error = OpenChannel(args, "channel", out var channel) ?? ContentError(text, blocks, args["attachments"] is not null);
        if (error is not null)
        {
            return Fail(error);
        }

        var message = new MessageState { Ts = _state.NewTs(), ThreadTs = Arg(args, "thread_ts"), Text = text, Blocks = blocks };
        channel!.Messages.Add(message);
        return new() { ["ok"] = true, ["channel"] = channel.Id, ["ts"] = message.Ts, ["message"] = MessageJson(message) };
    }

    private JsonObject Update(JsonObject args)
    {
        var (ts, text, blocks) = (Arg(args, "ts"), Arg(args, "text"), Blocks(args));
        var error = OpenChannel(args, "channel", out var channel);
        var message = error is null ? channel!.Messages.Find(m => m.Ts == ts) : null;
        error ??= message is null ? "message_not_found" : ContentError(text, blocks, args["attachments"] is not null);
        if (error is not null)
        {
            return Fail(error);
        }

        message!.History.Add(new(message.Text, message.Blocks));
        (message.Text, message.Blocks) = (text, blocks);
        return new() { ["ok"] = true, ["channel"] = channel!.Id, ["ts"] = message.Ts, ["text"] = text ?? "", ["message"] = MessageJson(message) };
    }

    private JsonObject PostEphemeral(JsonObject args)
    {
        var (user, text, blocks) = (Arg(args, "user"), Arg(args, "text"), Blocks(args));
        var error = OpenChannel(args, "channel", out var channel)
            ?? (!_options.Users.Any(u => u.Id == user) ? "user_not_found"
                : !channel!.Members.Contains(user!) ? "user_not_in_channel"
                : ContentError(text, blocks, args["attachments"] is not null));
        if (error is not null)
        {
            return Fail(error);
        }

        var ephemeral = new FakeEphemeral(channel!.Id, user!, _state.NewTs(), text, blocks);
        _state.Ephemerals.Add(ephemeral);
        return new() { ["ok"] = true, ["message_ts"] = ephemeral.MessageTs };
    }

    private JsonObject UserInfo(JsonObject args)
    {
        if (MissingScope("users:read") is { } missing)
        {
            return missing;
        }
        if (_options.Users.FirstOrDefault(u => u.Id == Arg(args, "user")) is not { } user)
        {
            return Fail("user_not_found");
        }
        var json = UserJson(user);
        if (!_options.UserScopes.Contains("users:read.email"))
        {
            // Without users:read.email Slack answers as usual, only without the e-mail.
            json["profile"]!.AsObject().Remove("email");
        }
        return new() { ["ok"] = true, ["user"] = json };
    }

    private JsonObject LookupByEmail(JsonObject args) =>
        MissingScope("users:read.email") ?? (_options.Users.FirstOrDefault(u => string.Equals(u.Email, Arg(args, "email"), StringComparison.OrdinalIgnoreCase)) is { } user
            ? new() { ["ok"] = true, ["user"] = UserJson(user) }
            : Fail("users_not_found"));

    /// <summary>Slack's answer to a method the token has no scope for: <c>missing_scope</c> with <c>needed</c> and <c>provided</c>.</summary>
    private JsonObject? MissingScope(string needed) => _options.UserScopes.Contains(needed)
        ? null
        : new() { ["ok"] = false, ["error"] = "missing_scope", ["needed"] = needed, ["provided"] = string.Join(",", _options.UserScopes.Prepend("chat:write")) };

    private JsonObject OpenView(JsonObject args)
    {
        var trigger = Arg(args, "trigger_id");
        var view = args["view"] switch
        {
            JsonObject obj => obj.DeepClone().AsObject(),
            JsonValue when Arg(args, "view") is { } text => JsonNode.Parse(text) as JsonObject,
            _ => null,
        };
        if (trigger is null || view is null)
        {
            return Fail("invalid_arguments");
        }

        // A trigger_id can be exchanged only once, as in Slack.
        if (!_state.UsedTriggerIds.Add(trigger))
        {
            return Fail("exchanged_trigger_id");
        }

        var id = _state.NewId("V");
        _state.Views.Add(new FakeView(id, trigger, view.DeepClone().AsObject()));
        view["id"] = id;
        view["team_id"] = TeamId;
        view["app_id"] = AppId;
        view["bot_id"] = BotId;
        view["root_view_id"] = id;
        view["hash"] = $"{UnixNow}.{id}";
        view["state"] = new JsonObject { ["values"] = new JsonObject() };
        return new() { ["ok"] = true, ["view"] = view };
    }

    private static string? ContentError(string? text, JsonArray? blocks, bool hasAttachments) => (text, blocks) switch
    {
        (null or "", null) when !hasAttachments => "no_text",
        ({ Length: > MaxTextLength }, _) => "msg_too_long",
        (_, { Count: > MaxBlocks }) => "invalid_blocks",
        (_, not null) when BlockTextLength(blocks) > MaxBlocksTextLength => "msg_blocks_too_long",
        (_, not null) when blocks.Any(OverElementLimit) => "invalid_blocks",
        _ => null,
    };

    /// <summary>
    /// Slack refuses blocks whose text adds up to more than about 12,000 characters (undocumented; people see
    /// <c>msg_blocks_too_long</c> from ~11,300 to ~13,300); the fake refuses at the low end.
    /// </summary>
    private static int BlockTextLength(JsonNode? node) => node switch
    {
        JsonObject o => o.Sum(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var t) ? t.Length : BlockTextLength(p.Value)),
        JsonArray a => a.Sum(BlockTextLength),
        _ => 0,
    };

    /// <summary>The per-element limits of the Block Kit reference: section text, fields, header, button text and value.</summary>
    private static bool OverElementLimit(JsonNode? block) =>
        (block?["type"]?.GetValue<string>()) switch
        {
            "section" => Text(block["text"]) > 3_000 || block["fields"] is JsonArray fields && (fields.Count > 10 || fields.Any(f => Text(f) > 2_000))
                || block["accessory"] is JsonObject accessory && ButtonTooLong(accessory),
            "header" => Text(block["text"]) > 150,
            "context" => block["elements"] is JsonArray elements && elements.Count > 10,
            "actions" => block["elements"] is JsonArray buttons && (buttons.Count > 25 || buttons.OfType<JsonObject>().Any(ButtonTooLong)),
            _ => false,
        };

    private static bool ButtonTooLong(JsonObject button) => Text(button["text"]) > 75 || (button["value"]?.GetValue<string>().Length ?? 0) > 2_000;

    private static int Text(JsonNode? textObject) => textObject?["text"]?.GetValue<string>().Length ?? 0;

    private JsonObject MessageJson(MessageState m)
    {
        var json = new JsonObject
        {
            ["type"] = "message",
            ["subtype"] = "bot_message",
            ["text"] = m.Text ?? "",
            ["ts"] = m.Ts,
            ["user"] = _options.BotUserId,
            ["bot_id"] = BotId,
            ["app_id"] = AppId,
            ["team"] = TeamId,
        };
        if (m.Blocks is not null)
        {
            json["blocks"] = m.Blocks.DeepClone();
        }

        if (m.ThreadTs is not null)
        {
            json["thread_ts"] = m.ThreadTs;
        }

        return json;
    }

    private static JsonObject UserJson(FakeSlackUser u) => new()
    {
        ["id"] = u.Id,
        ["team_id"] = TeamId,
        ["name"] = u.Name,
        ["real_name"] = u.Name,
        ["deleted"] = false,
        ["is_bot"] = false,
        ["tz"] = "Europe/London",
        ["profile"] = new JsonObject { ["email"] = u.Email, ["real_name"] = u.Name, ["display_name"] = u.Name },
    };
}
