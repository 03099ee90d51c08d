using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>conversations.* and the channel helpers the other methods share.</summary>
internal sealed partial class FakeSlackMethods
{
    private const int MaxNameLength = 80;
    private const int MaxTopicLength = 250;

    private JsonObject Create(JsonObject args)
    {
        var name = Arg(args, "name") ?? "";
        var invalid = name switch
        {
            "" => "invalid_name_required",
            { Length: > MaxNameLength } => "invalid_name_maxlength",
            _ when name.All(ch => ch is '-' or '_') => "invalid_name_punctuation",
            _ when !name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_') => "invalid_name_specials",
            _ when _state.TakenNames.Contains(name) || _state.Channels.Exists(c => c.Name == name) => "name_taken",
            _ => null,
        };
        if (invalid is not null)
        {
            return Fail(invalid);
        }

        var channel = new ChannelState
        {
            Id = _state.NewId("C"),
            Name = name,
            IsPrivate = Flag(args, "is_private"),
            Created = UnixNow,
            Creator = _options.BotUserId,
        };
        channel.Members.Add(_options.BotUserId);
        _state.Channels.Add(channel);
        return ChannelAnswer(channel);
    }

    private JsonObject Invite(JsonObject args)
    {
        var users = (Arg(args, "users") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = OpenChannel(args, "channel", out var channel) ?? users switch
        {
            [] => "no_user",
            _ when users.Contains(_options.BotUserId) => "cant_invite_self",
            _ when !users.All(u => _options.Users.Any(known => known.Id == u)) => "user_not_found",
            _ when users.All(channel!.Members.Contains) => "already_in_channel",
            _ => null,
        };
        if (error is not null)
        {
            return Fail(error);
        }

        channel!.Members.AddRange(users.Except(channel.Members).Distinct());
        return ChannelAnswer(channel);
    }

    private JsonObject SetTopic(JsonObject args) => SetText(args, "topic", (c, text) => c.Topic = (text, UnixNow));

    private JsonObject SetPurpose(JsonObject args) => SetText(args, "purpose", (c, text) => c.Purpose = (text, UnixNow));

    private JsonObject SetText(JsonObject args, string field, Action<ChannelState, string> set)
    {
        var text = Arg(args, field) ?? "";
        var error = OpenChannel(args, "channel", out var channel) ?? (text.Length > MaxTopicLength ? "too_long" : null);
        if (error is not null)
        {
            return Fail(error);
        }

        set(channel!, text);
        return ChannelAnswer(channel!);
    }

    private JsonObject Archive(JsonObject args)
    {
        var channel = _state.FindChannel(Arg(args, "channel"));
        var error = channel is null ? "channel_not_found" : channel.IsArchived ? "already_archived" : null;
        if (error is not null)
        {
            return Fail(error);
        }

        channel!.IsArchived = true;
        return new() { ["ok"] = true };
    }

    /// <summary>Finds a channel that accepts writes, or returns Slack's error for it.</summary>
    private string? OpenChannel(JsonObject args, string argument, out ChannelState? channel)
    {
        channel = _state.FindChannel(Arg(args, argument));
        return channel is null ? "channel_not_found" : channel.IsArchived ? "is_archived" : null;
    }

    private JsonObject ChannelAnswer(ChannelState c) => new()
    {
        ["ok"] = true,
        ["channel"] = new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["is_channel"] = true,
            ["is_group"] = false,
            ["is_im"] = false,
            ["is_mpim"] = false,
            ["is_private"] = c.IsPrivate,
            ["created"] = c.Created,
            ["is_archived"] = c.IsArchived,
            ["is_general"] = false,
            ["unlinked"] = 0,
            ["name_normalized"] = c.Name,
            ["is_shared"] = false,
            ["is_ext_shared"] = false,
            ["is_org_shared"] = false,
            ["pending_shared"] = new JsonArray(),
            ["is_pending_ext_shared"] = false,
            ["is_member"] = c.Members.Contains(_options.BotUserId),
            ["creator"] = c.Creator,
            ["last_read"] = "0000000000.000000",
            ["latest"] = null,
            ["unread_count"] = 0,
            ["unread_count_display"] = 0,
            ["previous_names"] = new JsonArray(),
            ["priority"] = 0,
            ["topic"] = TextField(c.Topic),
            ["purpose"] = TextField(c.Purpose),
        },
    };

    private JsonObject TextField((string Value, long LastSet) field) => new()
    {
        ["value"] = field.Value,
        ["creator"] = field.LastSet == 0 ? "" : _options.BotUserId,
        ["last_set"] = field.LastSet,
    };
}
